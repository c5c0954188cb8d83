using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench;

/// <summary>One configuration to time: the preset's loss at a square <see cref="Size"/>² image.</summary>
public sealed record BenchmarkCase(string Model, int Size, int Threads, OptimizerKind Optimizer, int Iterations, int Warmup,
    Precision Precision = Precision.Fp32);

/// <param name="SecondsPerIteration">Median over the timed steps (after warm-up).</param>
/// <param name="PeakMiB">Peak resident memory during the case, null where unknown.</param>
/// <param name="FirstLoss">Total loss at the first step.</param>
/// <param name="LastLoss">Total loss at the last step.</param>
/// <param name="CpuSecondsPerIteration">Process CPU time (all threads) per timed step: unlike wall time, barely
/// affected by other work competing for the cores, so comparisons on a busy machine stay meaningful.</param>
public sealed record BenchmarkResult(BenchmarkCase Case, double SecondsPerIteration, double? PeakMiB, double FirstLoss, double LastLoss,
    double CpuSecondsPerIteration = double.NaN);
