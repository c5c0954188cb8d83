using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>The content term: how far the target's features at one layer are from the photo's (P), optionally weighted per
/// position by a content mask (more weight where it is white: a face's eyes, mouth and jaw).</summary>
public sealed class ContentLoss : ISummedTerm, IDisposable
{
    private readonly Tensor _target;
    private readonly Tensor? _weights;
    private readonly double _scale;

    public string Layer { get; }

    /// <param name="targetFeatures">P, the photo's whole feature map; copied.</param>
    /// <param name="storeAs">The dtype P is kept in: the network's compute type, in which the features were made,
    /// so bfloat16 halves the largest tensor of a print-size run and loses nothing (null = as given).</param>
    /// <param name="mask">A content mask [1,1,H,W] in [0,1] at any size (resampled to the layer's map by area averaging), or
    /// null: the difference at each position counts 1 + <paramref name="maskGain"/>·m, so white parts weigh 1 + gain times more.</param>
    public ContentLoss(string layer, Tensor targetFeatures, LossNormalization normalization, ScalarType? storeAs = null,
        Tensor? mask = null, double maskGain = 0)
    {
        Layer = layer;
        if (mask is not null)
        {
            using var small = nn.functional.interpolate(mask, size: [targetFeatures.shape[^2], targetFeatures.shape[^1]], mode: InterpolationMode.Area);
            _weights = small.mul(maskGain).add_(1).to(targetFeatures.dtype).DetachFromDisposeScope();
        }
        _scale = normalization == LossNormalization.ScaleFree
            ? 1.0 / Math.Max(targetFeatures.square().mean().item<float>(), 1e-12)
            : 1.0;
        using var detached = targetFeatures.detach();
        // Lives as long as this loss, not the caller's scope.
        _target = (storeAs is { } type && type != detached.dtype ? detached.to(type) : detached.clone()).DetachFromDisposeScope();
    }

    /// <summary>[Σ w·(F−P)²] over the piece's positions (w = 1 without a mask).</summary>
    public Tensor[] Sums(Tensor features, CellWindow window)
    {
        using var target = window.Of(_target);
        if (_weights is null) return [(features - target).square().sum()];
        using var scope = torch.NewDisposeScope();
        return [(features - target).square().mul(window.Of(_weights)).sum().MoveToOuterDisposeScope()];
    }

    /// <summary>mean((F−P)²) over the whole map, scaled per <see cref="LossNormalization"/>; unweighted (α is
    /// applied by the caller). Linear in its sum, so a tile's own sum gives its exact share.</summary>
    public Tensor Loss(IReadOnlyList<Tensor> sums, MapShape whole) => sums[0].mul(_scale / (whole.Channels * whole.Positions));

    /// <summary>mean((F−P)²), scaled per <see cref="LossNormalization"/>; unweighted (α is applied by the caller).</summary>
    public Tensor Evaluate(Tensor features) => this.EvaluateWhole(features);

    public void Dispose()
    {
        _target.Dispose();
        _weights?.Dispose();
    }
}
