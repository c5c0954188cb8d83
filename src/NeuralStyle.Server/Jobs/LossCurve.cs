using NeuralStyle.Transfer;

namespace NeuralStyle.Server.Jobs;

/// <summary>The loss curve a status carries: every step's losses thinned to a fixed number of points, so a
/// status stays small however long the run (the page polls it every second).</summary>
public static class LossCurve
{
    public const int MaxPoints = 200;

    public static IReadOnlyList<LossPoint> From(IReadOnlyList<IterationReport> history)
    {
        var stride = Math.Max(1, (int)Math.Ceiling(history.Count / (double)MaxPoints));
        var points = new List<LossPoint>();
        for (var i = 0; i < history.Count; i++)
        {
            // Every stride-th step, and always the last.
            if (i % stride != 0 && i != history.Count - 1) continue;
            var r = history[i];
            points.Add(new LossPoint(r.Step, Finite(r.Terms.Total), Finite(r.Terms.Content), Finite(r.Terms.Style), Finite(r.Terms.Tv)));
        }
        return points;
    }

    // JSON has no infinity; a run never reports one (RequireFinite), but a curve must always serialise.
    private static double Finite(double v) => double.IsFinite(v) ? v : double.MaxValue;
}
