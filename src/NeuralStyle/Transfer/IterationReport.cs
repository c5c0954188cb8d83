using NeuralStyle.Losses;

namespace NeuralStyle.Transfer;

/// <summary>What one optimisation step measured: the weighted loss terms of the image it started from,
/// and the seconds elapsed since optimisation began.</summary>
/// <param name="WorkDone">Share of the whole run's work done, where steps differ in cost (coarse-to-fine: a
/// step at half the size costs about a quarter); null = every step costs the same.</param>
public sealed record IterationReport(int Step, int TotalSteps, LossBreakdown Terms, double Seconds, double? WorkDone = null)
{
    /// <summary>Share of the run done, in (0, 1]: what progress bars and time estimates should use.</summary>
    public double Fraction => WorkDone ?? (TotalSteps <= 0 ? 1 : (double)Step / TotalSteps);
}
