using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>
/// The style term of one layer under spatial control (<c>--mask-pairs</c>; Gatys et al., "Controlling
/// Perceptual Factors in Neural Style Transfer", CVPR 2017, guided Gram matrices): each region k has a
/// mask m_k (values in [0,1], at the content's size) and its own painting. The output's guided Gram
/// G_k = F·diag(m_k²)·Fᵀ / Σm_k² only sees that region's features, and is compared with the painting's
/// ordinary Gram A_k. Regions count in proportion to their area, so masks that tile the image give a
/// term of the same size as an unmasked one.
/// </summary>
public sealed class MaskedGramLoss : IStyleTerm
{
    private readonly List<(Tensor Mask, Tensor Target, double Scale, double Share)> _regions = new();
    private readonly LossNormalization _normalization;

    public string Layer { get; }
    public double Weight { get; }

    /// <param name="layerHeight">Height of this layer's feature map for the content image (the masks are
    /// resampled to it, by area averaging, so a mask edge becomes a soft edge a cell wide).</param>
    /// <param name="regions">Masks [1,1,H,W] at the content size, each with the painting's Gram target at
    /// this layer (as <see cref="GramStyleLoss.Gram"/> computes it); both copied.</param>
    public MaskedGramLoss(string layer, double weight, long layerHeight, long layerWidth,
        IReadOnlyList<(Tensor Mask, Tensor TargetGram)> regions, LossNormalization normalization)
    {
        Layer = layer;
        Weight = weight;
        _normalization = normalization;
        using var scope = torch.NewDisposeScope();
        foreach (var (mask, target) in regions)
        {
            var small = nn.functional.interpolate(mask, size: [layerHeight, layerWidth], mode: InterpolationMode.Area);
            var share = small.mean().item<float>();
            if (share < 1e-6) continue; // the region vanished at this resolution: nothing to style here
            var scale = normalization == LossNormalization.ScaleFree
                ? 1.0 / Math.Max(target.square().mean().item<float>(), 1e-12)
                : 1.0;
            _regions.Add((small.detach().clone().DetachFromDisposeScope(), target.detach().clone().DetachFromDisposeScope(), scale, share));
        }
    }

    public Tensor Evaluate(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var (channels, positions) = GramMatrix.ChannelsAndPositions(features);
        Tensor total = torch.zeros(1, dtype: features.dtype).squeeze();
        foreach (var (mask, target, scale, share) in _regions)
        {
            var flat = (features * mask).reshape(channels, positions); // F·diag(m)
            var gram = flat.matmul(flat.t());
            // Scale-free: average over the region (Σm²), as the unmasked Gram averages over all positions.
            // Tutorial: unnormalised, divided by C·(region size) as the tutorial divides by C·H·W.
            var area = mask.square().sum();
            gram = _normalization == LossNormalization.ScaleFree ? gram / area : gram;
            var error = (gram - target).square().mean().mul(scale);
            if (_normalization == LossNormalization.Tutorial) error = error / (area * channels);
            total = total + error.mul(share);
        }
        return total.mul(Weight).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var (mask, target, _, _) in _regions)
        {
            mask.Dispose();
            target.Dispose();
        }
    }
}
