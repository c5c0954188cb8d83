using System.Diagnostics;
using System.Globalization;
using NeuralStyle.Batch;
using NeuralStyle.Transfer;
using Spectre.Console;

namespace NeuralStyle.Cli.Progress;

/// <summary>
/// A batch's progress. In a terminal: one bar for the whole batch (pictures made plus the share of the one under
/// way) with its time estimate, and a line per finished picture above it. In logs and CI: a line when a picture
/// starts, every 25 % of its steps and when it ends, with the batch's place ("3/6") and an estimate for the rest.
/// </summary>
internal sealed class BatchProgress
{
    private readonly IReadOnlyList<BatchItem> _items;
    private readonly TextWriter _output;
    private readonly ProgressTask? _bar;
    private readonly Stopwatch _clock = new();
    private int _made;
    private int _lastQuarter;

    private BatchProgress(IReadOnlyList<BatchItem> items, TextWriter output, ProgressTask? bar)
    {
        _items = items;
        _output = output;
        _bar = bar;
    }

    /// <summary>Runs <paramref name="work"/> with the progress display that suits the output (a bar in a terminal).</summary>
    public static T Show<T>(IReadOnlyList<BatchItem> items, Func<BatchProgress, T> work)
    {
        if (Console.IsOutputRedirected || Console.IsErrorRedirected) return work(new BatchProgress(items, Console.Out, null));
        return AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => work(new BatchProgress(items, Console.Out, context.AddTask("batch", maxValue: Math.Max(1, items.Count)))));
    }

    public void Started(int index, BatchItem item)
    {
        _clock.Start();
        _lastQuarter = 0;
        if (_bar is not null) Describe(index, item.Describe());
        else _output.WriteLine($"batch {index + 1}/{_items.Count}: {item.Describe()}{Eta(index)}");
    }

    public void Step(int index, IterationReport r)
    {
        if (_bar is not null)
        {
            _bar.Value = index + r.Fraction;
            Describe(index, $"{_items[index].Describe()} step {r.Step}/{r.TotalSteps}");
            return;
        }
        var quarter = (int)(r.Fraction * 4);
        if (quarter <= _lastQuarter || quarter >= 4) return;
        _lastQuarter = quarter;
        _output.WriteLine($"batch {index + 1}/{_items.Count}: {LossLine.Format(r)}");
    }

    public void Finished(int index, BatchOutcome outcome)
    {
        var what = outcome.State switch
        {
            BatchItemState.Done => string.Create(CultureInfo.InvariantCulture, $"wrote {outcome.Item.Output} ({outcome.Seconds:F1} s)"),
            BatchItemState.Skipped => $"skipped, {outcome.Item.Output} is already there",
            _ => $"failed: {outcome.Error}",
        };
        if (outcome.State == BatchItemState.Done) _made++;
        if (_bar is not null)
        {
            _bar.Value = index + 1;
            AnsiConsole.MarkupLine(Markup.Escape($"batch {index + 1}/{_items.Count}: {what}"));
        }
        else _output.WriteLine($"batch {index + 1}/{_items.Count}: {what}");
    }

    private void Describe(int index, string text) => _bar!.Description = Markup.Escape($"{index + 1}/{_items.Count} {text}");

    /// <summary>"; about 2 min left" once a picture has been made: the mean time per picture × the pictures left.</summary>
    private string Eta(int index)
    {
        if (_made == 0) return "";
        var left = _clock.Elapsed.TotalSeconds / _made * (_items.Count - index);
        return string.Create(CultureInfo.InvariantCulture, $"; about {(left >= 90 ? $"{left / 60:F0} min" : $"{left:F0} s")} left");
    }
}
