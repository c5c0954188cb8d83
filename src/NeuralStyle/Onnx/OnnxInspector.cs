namespace NeuralStyle.Onnx;

/// <summary>
/// Backs <c>neural-style models inspect PATH [--size N]</c>: lists the tensors of an ONNX graph that
/// could serve as style/content layers, with their shapes for a given input size, so a user can pick
/// layer names for a network we have no friendly names for.
/// </summary>
public static class OnnxInspector
{
    /// <summary>Every tensor computed by a node, in graph order, with its shape at height × width.</summary>
    /// <param name="maxMemoryBytes">What the values held at once may use (null: what the machine has, <see cref="Transfer.MemoryPlan.DefaultBudget"/>),
    /// checked from a probe at a small size before the graph runs at a larger one (<see cref="OnnxExecutor.Probe"/>).</param>
    public static IReadOnlyList<OnnxTensorInfo> Inspect(string path, long height, long width, long? maxMemoryBytes = null)
    {
        if (height < 1 || width < 1)
            throw new NeuralStyleException($"inspect size must be positive, got {height}×{width}");
        using var executor = OnnxExecutor.Load(path);
        return executor.Probe(height, width, Transfer.MemoryPlan.BudgetOf(maxMemoryBytes));
    }

    /// <summary>The 4-D tensors (feature maps) only: what a style or content layer can be.</summary>
    public static IReadOnlyList<OnnxTensorInfo> FeatureMaps(IEnumerable<OnnxTensorInfo> tensors) =>
        tensors.Where(t => t.Shape is { Length: 4 }).ToList();
}
