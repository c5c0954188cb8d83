using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>
/// loss = α·content + β·Σ_l w_l·style_l + tv_weight·tv for one content photo and one or more
/// paintings. The targets (P and each layer's A) are computed once, here, and reused every iteration.
/// </summary>
public sealed class StyleTransferObjective : IDisposable
{
    private readonly IFeatureNetwork _network;
    private readonly ContentLoss _content;
    private readonly List<IStyleTerm> _styleLayers = new();
    private readonly string[] _layers;
    private readonly double _contentWeight, _styleWeight, _tvWeight;

    /// <param name="content">Content photo in the network's input space, [1,3,H,W].</param>
    /// <param name="styles">Paintings in the network's input space with blend weights; the target Gram of a
    /// layer is Σ_i b_i·A_i with the b_i normalised to sum 1.</param>
    /// <param name="regions">Spatial control: masks [1,1,H,W] at the content's size with their own paintings
    /// (network input space); the part of the image no mask covers gets <paramref name="styles"/>. See <see cref="MaskedStyle"/>.</param>
    public StyleTransferObjective(IFeatureNetwork network, Tensor content, IReadOnlyList<(Tensor Image, double Blend)> styles,
        IReadOnlyList<(string Layer, double Weight)> styleLayers, string contentLayer, LossNormalization normalization,
        double contentWeight, double styleWeight, double tvWeight, bool activationSmoothing = false,
        StyleLossKind styleLoss = StyleLossKind.Gram, IReadOnlyList<(Tensor Mask, Tensor Image)>? regions = null)
    {
        if (styles.Count == 0) throw new ArgumentException("at least one style image is needed", nameof(styles));
        var blendSum = styles.Sum(s => s.Blend);
        if (!(blendSum > 0)) throw new NeuralStyleException("style blend weights must add up to more than 0");

        _network = network;
        _contentWeight = contentWeight;
        _styleWeight = styleWeight;
        _tvWeight = tvWeight;
        _layers = styleLayers.Select(l => l.Layer).Append(contentLayer).Distinct().ToArray();

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var contentFeatures = network.Extract(content, [contentLayer]);
        _content = new ContentLoss(contentLayer, contentFeatures[contentLayer], normalization);

        var styleLayerNames = styleLayers.Select(l => l.Layer).ToArray();
        // Each painting's statistics (its Gram matrix, or its mean and covariance), blended linearly.
        var blended = new Dictionary<string, Tensor[]>();
        foreach (var (image, blend) in styles)
        {
            var features = network.Extract(image, styleLayerNames);
            foreach (var layer in styleLayerNames)
            {
                var stats = StyleTerms.Statistics(styleLoss, features[layer], normalization, activationSmoothing);
                foreach (var s in stats) s.mul_(blend / blendSum);
                blended[layer] = blended.TryGetValue(layer, out var sum) ? sum.Zip(stats, (a, b) => a.add_(b)).ToArray() : stats;
            }
        }
        if (regions is { Count: > 0 })
        {
            _styleLayers.AddRange(MaskedStyle.Terms(network, content, regions, blended, styleLayers, normalization, styleLoss, activationSmoothing));
            return;
        }
        foreach (var (layer, weight) in styleLayers)
            _styleLayers.Add(StyleTerms.Create(styleLoss, layer, weight, blended[layer], normalization, activationSmoothing));
    }

    /// <summary>Evaluates the loss of an image in the network's input space.</summary>
    /// <param name="input">What the network sees.</param>
    /// <param name="pixels">The same image as RGB in [0,1], for the total-variation term.</param>
    /// <returns>The total as a differentiable scalar (caller disposes) and the weighted terms as numbers.</returns>
    public (Tensor Total, LossBreakdown Terms) Evaluate(Tensor input, Tensor pixels)
    {
        using var scope = torch.NewDisposeScope();
        var features = _network.Extract(input, _layers);
        var content = _content.Evaluate(features[_content.Layer]).mul(_contentWeight);
        var style = _styleLayers.Select(s => s.Evaluate(features[s.Layer])).Aggregate((a, b) => a + b).mul(_styleWeight);
        var total = content + style;
        var tvValue = 0.0;
        if (_tvWeight > 0)
        {
            var tv = TotalVariationLoss.Evaluate(pixels).mul(_tvWeight);
            total = total + tv;
            tvValue = tv.item<float>();
        }
        var terms = new LossBreakdown(content.item<float>(), style.item<float>(), tvValue);
        return (total.MoveToOuterDisposeScope(), terms);
    }

    public void Dispose()
    {
        _content.Dispose();
        foreach (var layer in _styleLayers) layer.Dispose();
    }
}
