using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>The content term: how far the target's features at one layer are from the photo's (P).</summary>
public sealed class ContentLoss : IDisposable
{
    private readonly Tensor _target;
    private readonly double _scale;

    public string Layer { get; }

    public ContentLoss(string layer, Tensor targetFeatures, LossNormalization normalization)
    {
        Layer = layer;
        _target = targetFeatures.detach().clone().DetachFromDisposeScope(); // lives as long as this loss, not the caller's scope
        _scale = normalization == LossNormalization.ScaleFree
            ? 1.0 / Math.Max(_target.square().mean().item<float>(), 1e-12)
            : 1.0;
    }

    /// <summary>mean((F−P)²), scaled per <see cref="LossNormalization"/>; unweighted (α is applied by the caller).</summary>
    public Tensor Evaluate(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        return (features - _target).square().mean().mul(_scale).MoveToOuterDisposeScope();
    }

    public void Dispose() => _target.Dispose();
}
