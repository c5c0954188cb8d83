using NeuralStyle.Transfer;
using Spectre.Console;

namespace NeuralStyle.Cli.Progress;

/// <summary>A live progress bar (iteration, losses, ETA) for interactive terminals.</summary>
internal static class LiveProgress
{
    /// <summary>Runs <paramref name="work"/> with a progress bar fed by the reporter it is given.</summary>
    public static T Show<T>(int totalSteps, Func<IProgress<IterationReport>, T> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("starting", maxValue: Math.Max(1, totalSteps));
                return work(new Reporter(task));
            });

    private sealed class Reporter(ProgressTask task) : IProgress<IterationReport>
    {
        public void Report(IterationReport r)
        {
            task.Value = r.Fraction * task.MaxValue; // by work, so coarse-to-fine's cheap steps do not skew the ETA
            task.Description = Markup.Escape(
                $"step {r.Step}/{r.TotalSteps} total {r.Terms.Total:G4} content {r.Terms.Content:G4} style {r.Terms.Style:G4} tv {r.Terms.Tv:G4}");
        }
    }
}
