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

    /// <summary>Σ (F·m_k)(F·m_k)ᵀ over the piece's positions, one per region, with each mask cropped to the piece.</summary>
    public Tensor[] Sums(Tensor features, CellWindow window)
    {
        using var scope = torch.NewDisposeScope();
        var (channels, positions) = GramMatrix.ChannelsAndPositions(features);
        return _regions.Select(region =>
        {
            var flat = (features * window.Of(region.Mask)).reshape(channels, positions); // F·diag(m)
            return flat.matmul(flat.t()).MoveToOuterDisposeScope();
        }).ToArray();
    }

    public Tensor Loss(IReadOnlyList<Tensor> sums, MapShape whole)
    {
        using var scope = torch.NewDisposeScope();
        Tensor total = torch.zeros(1, dtype: sums.Count > 0 ? sums[0].dtype : ScalarType.Float32).squeeze();
        for (var k = 0; k < _regions.Count; k++)
        {
            var (mask, target, scale, share) = _regions[k];
            // Scale-free: average over the region (Σm²), as the unmasked Gram averages over all positions.
            // Tutorial: unnormalised, divided by C·(region size) as the tutorial divides by C·H·W.
            var area = mask.square().sum();
            var gram = _normalization == LossNormalization.ScaleFree ? sums[k] / area : sums[k];
            var error = (gram - target).square().mean().mul(scale);
            if (_normalization == LossNormalization.Tutorial) error = error / (area * whole.Channels);
            total = total + error.mul(share);
        }
        return total.mul(Weight).MoveToOuterDisposeScope();
    }

    public Tensor Evaluate(Tensor features) => this.EvaluateWhole(features);

    public void Dispose()
    {
        foreach (var (mask, target, _, _) in _regions)
        {
            mask.Dispose();
            target.Dispose();
        }
    }
}
