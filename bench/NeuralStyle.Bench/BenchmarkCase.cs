using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench;

/// <summary>One configuration to time: the preset's loss at a square <see cref="Size"/>² image.</summary>
public sealed record BenchmarkCase(string Model, int Size, int Threads, OptimizerKind Optimizer, int Iterations, int Warmup,
    Precision Precision = Precision.Fp32);

/// <summary>What every case of one bench run shares.</summary>
/// <param name="WeightsPath">Real weights, or null: <see cref="SyntheticVgg"/> for VGG (same shapes, so same speed), the bundled file for ResNet18.</param>
/// <param name="ContentPath">A real photo (stretched to each case's square), or null for random pixels.</param>
/// <param name="StylePath">A real painting, or null for random pixels.</param>
/// <param name="StyleLayers">Instead of the preset's, e.g. for weights that stop early.</param>
/// <param name="ContentLayer">Instead of the preset's.</param>
/// <param name="ImageFolder">Where to save each case's result as MODEL-PRECISION-SIZE.png (null: not saved), to compare by eye.</param>
public sealed record BenchmarkSetup(string? WeightsPath = null, string? ContentPath = null, string? StylePath = null,
    IReadOnlyList<LayerWeight>? StyleLayers = null, string? ContentLayer = null, string? ImageFolder = null);

/// <param name="SecondsPerIteration">Median over the timed steps (after warm-up).</param>
/// <param name="PeakMiB">Peak resident memory during the case, null where unknown.</param>
/// <param name="FirstLoss">Total loss at the first step.</param>
/// <param name="LastLoss">Total loss at the last step.</param>
/// <param name="CpuSecondsPerIteration">Process CPU time (all threads) per timed step: unlike wall time, barely
/// affected by other work competing for the cores, so comparisons on a busy machine stay meaningful.</param>
/// <param name="ResultLossFp32">The result image's total loss computed by the fp32 network, so runs in different
/// precisions are scored alike (the other losses come from the run's own network).</param>
public sealed record BenchmarkResult(BenchmarkCase Case, double SecondsPerIteration, double? PeakMiB, double FirstLoss, double LastLoss,
    double CpuSecondsPerIteration, double ResultLossFp32);
