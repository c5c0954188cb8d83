using System.Diagnostics;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench;

/// <summary>
/// Single scale against coarse-to-fine on real images: the single-scale run sets the loss to beat
/// (its total loss at its last step); a multi-scale run counts wall time until its finest scale gets
/// there, and stops. Wall time runs from before the network is built to the step that reaches the
/// loss, so per-scale target computation and image resizing are included.
/// </summary>
public static class MultiScaleRace
{
    /// <param name="Plan">Side and steps of each scale, coarsest first.</param>
    /// <param name="Seconds">Wall time of the whole run (to its last step).</param>
    /// <param name="FinalLoss">Total loss at the last step made.</param>
    /// <param name="ReachedAtStep">The step (counted over all scales) whose loss first reached the target; null if none did.</param>
    /// <param name="ReachedAfterSeconds">Wall time up to that step.</param>
    public sealed record Lap(IReadOnlyList<(int Side, int Iterations)> Plan, double Seconds, double FinalLoss, int Steps,
        int? ReachedAtStep, double? ReachedAfterSeconds);

    /// <summary>Runs <paramref name="settings"/>'s schedule, noting when the finest scale first reaches
    /// <paramref name="target"/>; stops there unless <paramref name="runToEnd"/>.</summary>
    public static Lap Run(string contentPath, string stylePath, StyleTransferSettings settings, double? target = null, bool runToEnd = false)
    {
        var plan = ScalePyramid.Plan(settings);
        var coarseSteps = plan.Take(plan.Count - 1).Sum(p => p.Iterations);
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        (int Step, double Seconds)? reached = null;
        var progress = new Watcher(watch, (report, seconds) =>
        {
            // Only the finest scale counts: coarse losses are measured on smaller images.
            if (reached is null && target is { } t && report.Step > coarseSteps && report.Terms.Total <= t)
            {
                reached = (report.Step, seconds);
                if (!runToEnd) stop.Cancel();
            }
        });
        using var result = StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(contentPath, [stylePath], settings), progress, stop.Token);
        var last = progress.Last ?? throw new InvalidOperationException("the run made no step");
        return new Lap(plan, progress.LastAt, last.Terms.Total, last.Step, reached?.Step, reached?.Seconds);
    }

    // Synchronous, so the time is taken right at the end of each step.
    private sealed class Watcher(Stopwatch watch, Action<IterationReport, double> onStep) : IProgress<IterationReport>
    {
        public IterationReport? Last { get; private set; }
        public double LastAt { get; private set; }

        public void Report(IterationReport value)
        {
            Last = value;
            LastAt = watch.Elapsed.TotalSeconds;
            onStep(value, LastAt);
        }
    }
}
