using System.Globalization;
using NeuralStyle.Transfer;
using Spectre.Console;

namespace NeuralStyle.Cli.Progress;

/// <summary>A live progress bar (iteration, losses, ETA) for interactive terminals.</summary>
/// <remarks>
/// Everything must fit one line of the terminal: Spectre gives the description column what it asks for
/// and shrinks the bar, so a long description at 80 columns left a one-character bar and the line wrapped.
/// The bar and the time columns have fixed widths; the description gets what remains and says less
/// (all terms, then the total only, then the step only) until it fits.
/// </remarks>
internal static class LiveProgress
{
    private const int BarWidth = 20;

    /// <summary>Bar, percentage ("100%"), elapsed and remaining ("00:00:00") and one space between columns.</summary>
    private const int FixedColumns = BarWidth + 4 + 8 + 8 + 4;

    /// <summary>Runs <paramref name="work"/> with a progress bar fed by the reporter it is given.</summary>
    public static T Show<T>(int totalSteps, Func<IProgress<IterationReport>, T> work) => Show(AnsiConsole.Console, totalSteps, work);

    /// <param name="console">The terminal (tests pass one with a fixed width).</param>
    public static T Show<T>(IAnsiConsole console, int totalSteps, Func<IProgress<IterationReport>, T> work) =>
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = BarWidth },
                new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("starting", maxValue: Math.Max(1, totalSteps));
                return work(new Reporter(task, () => console.Profile.Width - FixedColumns - 1));
            });

    /// <summary>The longest description that fits <paramref name="room"/> characters.</summary>
    internal static string Describe(IterationReport r, int room)
    {
        var step = string.Create(CultureInfo.InvariantCulture, $"step {r.Step}/{r.TotalSteps}");
        var candidates = new[]
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{step} total {r.Terms.Total:G4} content {r.Terms.Content:G4} style {r.Terms.Style:G4} tv {r.Terms.Tv:G4}"),
            string.Create(CultureInfo.InvariantCulture, $"{step} loss {r.Terms.Total:G4}"),
            step,
        };
        return candidates.FirstOrDefault(c => c.Length <= room) ?? step[..Math.Max(0, Math.Min(step.Length, room))];
    }

    private sealed class Reporter(ProgressTask task, Func<int> room) : IProgress<IterationReport>
    {
        public void Report(IterationReport r)
        {
            task.Value = r.Fraction * task.MaxValue; // by work, so coarse-to-fine's cheap steps do not skew the ETA
            task.Description = Markup.Escape(Describe(r, room()));
        }
    }
}
