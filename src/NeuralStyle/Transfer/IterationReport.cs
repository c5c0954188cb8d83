using NeuralStyle.Losses;

namespace NeuralStyle.Transfer;

/// <summary>What one optimisation step measured: the weighted loss terms of the image it started from,
/// and the seconds elapsed since optimisation began.</summary>
public sealed record IterationReport(int Step, int TotalSteps, LossBreakdown Terms, double Seconds);
