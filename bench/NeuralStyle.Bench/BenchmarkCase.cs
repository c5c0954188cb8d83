using NeuralStyle.Transfer;

namespace NeuralStyle.Bench;

/// <summary>One configuration to time: the preset's loss at a square <see cref="Size"/>² image.</summary>
public sealed record BenchmarkCase(string Model, int Size, int Threads, OptimizerKind Optimizer, int Iterations, int Warmup);

/// <param name="SecondsPerIteration">Median over the timed steps (after warm-up).</param>
/// <param name="PeakMiB">Peak resident memory during the case, null where unknown.</param>
/// <param name="FirstLoss">Total loss at the first step.</param>
/// <param name="LastLoss">Total loss at the last step.</param>
public sealed record BenchmarkResult(BenchmarkCase Case, double SecondsPerIteration, double? PeakMiB, double FirstLoss, double LastLoss);
