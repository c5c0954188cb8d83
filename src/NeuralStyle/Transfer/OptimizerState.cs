using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>An optimiser's full state, for checkpoints: its step count, L-BFGS's ρ per curvature pair,
/// and its tensors by name (L-BFGS: the pairs, last gradient and step; Adam: the two moments).</summary>
/// <remarks>Whoever holds it owns the tensors; <see cref="Dispose"/> frees them.</remarks>
public sealed record OptimizerState(OptimizerKind Kind, long Step, double[] Rhos, IReadOnlyDictionary<string, Tensor> Tensors) : IDisposable
{
    public Tensor Tensor(string name) => Tensors.TryGetValue(name, out var t)
        ? t
        : throw new NeuralStyleException($"the checkpoint's optimiser state has no '{name}'");

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
