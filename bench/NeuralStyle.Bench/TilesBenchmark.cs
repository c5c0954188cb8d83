using System.Diagnostics;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench;

/// <summary>One size's run under a memory budget: what the plan chose, the peak resident memory and the time per step.</summary>
/// <param name="SecondsPerStep">Mean over the steps after the first (which also builds the targets).</param>
public sealed record TilesCost(string Model, int Size, string Plan, double BudgetMiB, double PeakMiB, double SecondsPerStep, int Steps);

/// <summary>Runs one scale of <paramref name="size"/> px for a few steps with a memory budget (and optionally forced
/// tiles) and measures the process's peak (VmHWM, reset first) and the time per step. A benchmark: it asserts nothing.</summary>
public static class TilesBenchmark
{
    /// <param name="steps">0 = until L-BFGS holds its full history (at least 4).</param>
    public static TilesCost Measure(string model, string contentPath, string stylePath, int size, long? budget, int tile,
        int steps, Precision precision, OptimizerKind optimizer, int lbfgsHistory = 100)
    {
        var spec = ModelSpec.Parse(model).Resolve(null, null, out _);
        var settings = Presets.ForModel(Presets.Gatys, "gatys", spec) with
        {
            Size = size, Scales = 1, ScaleIterations = null, Iterations = 1000, MaxMemoryBytes = budget, TileSize = tile,
            Precision = precision, Optimizer = optimizer, LbfgsHistory = lbfgsHistory, LearningRate = Presets.DefaultLearningRate(optimizer, Presets.Gatys.Space),
        };
        GC.Collect();
        PeakMemory.Reset();
        using var session = new StyleTransferSession(settings, StyleTransferInputs.FromFiles(contentPath, [stylePath], settings));
        var plan = session.MemoryPlans[^1];
        // The peak comes when L-BFGS holds its whole history: by default run until it does.
        if (steps <= 0) steps = Math.Max(4, optimizer == OptimizerKind.Lbfgs ? plan.LbfgsHistory + 2 : 4);
        session.Step();
        var clock = Stopwatch.StartNew();
        for (var i = 1; i < steps; i++) session.Step();
        var perStep = steps > 1 ? clock.Elapsed.TotalSeconds / (steps - 1) : double.NaN;
        using (var result = session.Result()) { }
        var peak = PeakMemory.ReadMiB() ?? double.NaN;
        return new TilesCost(model, size, plan.Describe(), (plan.BudgetBytes ?? double.NaN) / 1048576.0, peak, perStep, steps);
    }
}
