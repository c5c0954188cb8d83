using NeuralStyle.Tiling;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>
/// Builds the <see cref="MaskedGramLoss"/> terms of a spatially controlled run. The rule for pixels: a mask's
/// white (1) pixels take its painting, grey ones partly; where masks overlap, each applies with its own
/// weight; whatever no mask covers (1 − Σ masks, clamped at 0) takes the blend of the ordinary STYLE images,
/// so masks need not tile the image.
/// </summary>
internal static class MaskedStyle
{
    public static IEnumerable<IStyleTerm> Terms(FeatureReader reader, Tensor content,
        IReadOnlyList<(Tensor Mask, Tensor Image)> regions, IReadOnlyDictionary<string, Tensor[]> blendedStyle,
        IReadOnlyList<(string Layer, double Weight)> styleLayers, LossNormalization normalization, StyleLossKind styleLoss,
        bool activationSmoothing)
    {
        if (styleLoss != StyleLossKind.Gram)
            throw new NeuralStyleException("--mask-pairs works with --style-loss gram (guided Gram matrices) only");
        if (activationSmoothing)
            throw new NeuralStyleException("--mask-pairs cannot be combined with --activation-smoothing");

        using var scope = torch.NewDisposeScope();
        var layers = styleLayers.Select(l => l.Layer).ToArray();
        var mapSizes = reader.MapSizes(content, layers);
        var regionGrams = regions.Select(r => reader.Sums(r.Image, layers, (_, features, _) => [GramStyleLoss.GramSum(features, false)])).ToList();
        var background = (1 - regions.Select(r => r.Mask).Aggregate((a, b) => a + b)).clamp_min(0);

        var terms = new List<IStyleTerm>();
        foreach (var (layer, weight) in styleLayers)
        {
            var (height, width) = mapSizes[layer];
            var pairs = new List<(Tensor, Tensor)> { (background, blendedStyle[layer][0]) };
            for (var k = 0; k < regions.Count; k++)
            {
                var (sums, shape) = regionGrams[k][layer];
                pairs.Add((regions[k].Mask, GramStyleLoss.FromSum(sums[0], shape.Positions, normalization)));
            }
            terms.Add(new MaskedGramLoss(layer, weight, height, width, pairs, normalization));
        }
        return terms;
    }
}
