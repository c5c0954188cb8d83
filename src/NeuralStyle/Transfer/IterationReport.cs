using NeuralStyle.Losses;

namespace NeuralStyle.Transfer;

/// <summary>What one optimisation step measured: the weighted loss terms of the image it started from,
/// and the seconds elapsed since optimisation began.</summary>
/// <param name="WorkDone">Share of the whole run's work done, where steps differ in cost (coarse-to-fine: a
/// step at half the size costs about a quarter); null = every step costs the same.</param>
public sealed record IterationReport(int Step, int TotalSteps, LossBreakdown Terms, double Seconds, double? WorkDone = null)
{
    /// <summary>Index of the scale this step was taken at, 0 = the coarsest (see <see cref="ScalePyramid"/>).</summary>
    public int Scale { get; init; }
    /// <summary>How many scales the run makes.</summary>
    public int Scales { get; init; } = 1;
    /// <summary>Longest side of the image at this step's scale, in pixels.</summary>
    public int Side { get; init; }
    /// <summary>The step's number within its scale (1-based).</summary>
    public int ScaleStep { get; init; }

    /// <summary>Share of the run done, in (0, 1]: what progress bars and time estimates should use.</summary>
    public double Fraction => WorkDone ?? (TotalSteps <= 0 ? 1 : (double)Step / TotalSteps);
}
