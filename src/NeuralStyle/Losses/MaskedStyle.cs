using NeuralStyle.Networks;
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
    public static IEnumerable<IStyleTerm> Terms(IFeatureNetwork network, Tensor content,
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
        var contentFeatures = network.Extract(content, layers); // only for each layer's height and width
        var regionGrams = regions.Select(r => network.Extract(r.Image, layers)).ToList();
        var background = (1 - regions.Select(r => r.Mask).Aggregate((a, b) => a + b)).clamp_min(0);

        var terms = new List<IStyleTerm>();
        foreach (var (layer, weight) in styleLayers)
        {
            var shape = contentFeatures[layer].shape;
            var pairs = new List<(Tensor, Tensor)> { (background, blendedStyle[layer][0]) };
            for (var k = 0; k < regions.Count; k++)
                pairs.Add((regions[k].Mask, GramStyleLoss.Gram(regionGrams[k][layer], normalization)));
            terms.Add(new MaskedGramLoss(layer, weight, shape[^2], shape[^1], pairs, normalization));
        }
        return terms;
    }
}
