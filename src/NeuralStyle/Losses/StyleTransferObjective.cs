using NeuralStyle.Networks;
using NeuralStyle.Tiling;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>
/// loss = α·content + β·Σ_l w_l·style_l + tv_weight·tv for one content photo and one or more
/// paintings. The targets (P and each layer's A) are computed once, here, and reused every iteration.
/// </summary>
public sealed partial class StyleTransferObjective : IDisposable
{
    private readonly IFeatureNetwork _network;
    private readonly TileGeometry? _tiles;
    private ContentLoss? _content;
    private int _contentOctave;
    /// <summary>Style terms per octave (index = octave; 0 is the image itself), see <see cref="Octaves"/>.</summary>
    private readonly List<List<IStyleTerm>> _styleOctaves = new();
    private readonly double _contentWeight, _styleWeight, _tvWeight;
    private readonly TemporalLoss? _temporal;

    /// <param name="content">Content photo in the network's input space, [1,3,H,W].</param>
    /// <param name="styles">Paintings in the network's input space with blend weights; the target Gram of a
    /// layer is Σ_i b_i·A_i with the b_i normalised to sum 1.</param>
    /// <param name="regions">Spatial control: masks [1,1,H,W] at the content's size with their own paintings
    /// (network input space); the part of the image no mask covers gets <paramref name="styles"/>. See <see cref="MaskedStyle"/>.</param>
    /// <param name="styleOctaves">1 = style statistics of the image only; N = also of N−1 shrunk copies of the
    /// image against the same copies of the paintings (<see cref="Octaves"/>), each octave weighing 1/N.
    /// Octaves too small for the image are left out.</param>
    /// <param name="contentOctave">The content term compares this octave of the image with the same octave of
    /// the photo: 1 holds the layout but lets the style replace the photo's finest texture.</param>
    /// <param name="tiles">Null: the network sees whole images. Otherwise the loss, its gradient and the targets are
    /// computed tile by tile, exactly (<see cref="Backward"/>), in the memory of one tile.</param>
    /// <param name="contentTargetType">The dtype the photo's features are kept in (see <see cref="ContentLoss"/>).</param>
    /// <param name="temporal">A video frame's temporal term (the objective owns it from now on); null = none.</param>
    /// <param name="contentMask">Where the content term counts 1 + <paramref name="contentMaskGain"/> times ([1,1,H,W] in [0,1] at the
    /// content's size; copied), or null (see <see cref="ContentLoss"/>).</param>
    public StyleTransferObjective(IFeatureNetwork network, Tensor content, IReadOnlyList<(Tensor Image, double Blend)> styles,
        IReadOnlyList<(string Layer, double Weight)> styleLayers, string contentLayer, LossNormalization normalization,
        double contentWeight, double styleWeight, double tvWeight, bool activationSmoothing = false,
        StyleLossKind styleLoss = StyleLossKind.Gram, IReadOnlyList<(Tensor Mask, Tensor Image)>? regions = null,
        int styleOctaves = 1, int contentOctave = 0, TileGeometry? tiles = null, ScalarType? contentTargetType = null,
        TemporalLoss? temporal = null, Tensor? contentMask = null, double contentMaskGain = 0)
    {
        _temporal = temporal;
        if (regions is { Count: > 0 } && styleOctaves > 1)
            throw new NeuralStyleException("--mask-pairs cannot be combined with --style-octaves above 1 yet");
        if (styles.Count == 0) throw new ArgumentException("at least one style image is needed", nameof(styles));
        var blendSum = styles.Sum(s => s.Blend);
        if (!(blendSum > 0)) throw new NeuralStyleException("style blend weights must add up to more than 0");

        _network = network;
        _tiles = tiles;
        _contentWeight = contentWeight;
        _styleWeight = styleWeight;
        _tvWeight = tvWeight;

        // A failure half way (a layer the network does not have) must free the terms already built.
        try
        {
            Build(new FeatureReader(network, tiles), content, styles, styleLayers, contentLayer, normalization, activationSmoothing, styleLoss, regions,
                styleOctaves, contentOctave, blendSum, contentTargetType, contentMask, contentMaskGain);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Build(FeatureReader reader, Tensor content, IReadOnlyList<(Tensor Image, double Blend)> styles,
        IReadOnlyList<(string Layer, double Weight)> styleLayers, string contentLayer, LossNormalization normalization,
        bool activationSmoothing, StyleLossKind styleLoss, IReadOnlyList<(Tensor Mask, Tensor Image)>? regions,
        int styleOctaves, int contentOctave, double blendSum, ScalarType? contentTargetType, Tensor? contentMask, double contentMaskGain)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        _contentOctave = Math.Min(contentOctave, Octaves.Available(content, contentOctave + 1) - 1);
        using (var photo = Octaves.Of(content, _contentOctave))
            _content = new ContentLoss(contentLayer, reader.Maps(photo, [contentLayer])[contentLayer], normalization, contentTargetType,
                contentMask, contentMaskGain);

        var octaves = styles.Select(style => Octaves.Available(style.Image, styleOctaves)).Append(Octaves.Available(content, styleOctaves)).Min();
        for (var octave = 0; octave < octaves; octave++)
        {
            var terms = new List<IStyleTerm>();
            _styleOctaves.Add(terms);
            var octaveLayers = styleLayers.Select(l => (l.Layer, l.Weight / octaves)).ToList();
            var blended = BlendedStatistics(reader, styles, octave, octaveLayers, normalization, styleLoss, activationSmoothing, blendSum);
            if (regions is { Count: > 0 })
            {
                terms.AddRange(MaskedStyle.Terms(reader, content, regions, blended, octaveLayers, normalization, styleLoss, activationSmoothing));
                continue;
            }
            foreach (var (layer, weight) in octaveLayers)
                terms.Add(StyleTerms.Create(styleLoss, layer, weight, blended[layer], normalization, activationSmoothing));
        }
    }

    /// <summary>Each painting's statistics at every style layer (its Gram matrix, or its mean and covariance),
    /// of the given octave, blended linearly.</summary>
    private static Dictionary<string, Tensor[]> BlendedStatistics(FeatureReader reader, IReadOnlyList<(Tensor Image, double Blend)> styles,
        int octave, IReadOnlyList<(string Layer, double Weight)> styleLayers, LossNormalization normalization, StyleLossKind styleLoss,
        bool activationSmoothing, double blendSum)
    {
        var styleLayerNames = styleLayers.Select(l => l.Layer).ToArray();
        var blended = new Dictionary<string, Tensor[]>();
        foreach (var (image, blend) in styles)
        {
            using var shrunk = Octaves.Of(image, octave);
            var sums = reader.Sums(shrunk, styleLayerNames, (_, features, _) => StyleTerms.Sums(styleLoss, features, activationSmoothing));
            foreach (var layer in styleLayerNames)
            {
                var stats = StyleTerms.FromSums(styleLoss, sums[layer].Sums, sums[layer].Shape.Positions, normalization);
                foreach (var s in stats) s.mul_(blend / blendSum);
                blended[layer] = blended.TryGetValue(layer, out var sum) ? sum.Zip(stats, (a, b) => a.add_(b)).ToArray() : stats;
            }
        }
        return blended;
    }

    /// <summary>Evaluates the loss of an image in the network's input space and adds its gradient to the leaves
    /// <paramref name="input"/> and <paramref name="pixels"/> come from (the image being optimised): whole, or tile
    /// by tile when the objective was made with tiles (same value and gradient, up to float rounding).</summary>
    /// <param name="input">What the network sees (differentiable).</param>
    /// <param name="pixels">The same image as RGB in [0,1], for the total-variation term.</param>
    public LossBreakdown Backward(Tensor input, Tensor pixels)
    {
        if (_tiles is not null) return TiledBackward(input, pixels);
        var (total, terms) = Evaluate(input, pixels);
        using (total) total.backward();
        return terms;
    }

    /// <summary>Octaves the loss reads (0 … count−1): the style octaves and the content's.</summary>
    private int OctaveCount => Math.Max(_styleOctaves.Count, _contentOctave + 1);

    /// <summary>Evaluates the loss of an image in the network's input space, whole (never tiled).</summary>
    /// <param name="input">What the network sees.</param>
    /// <param name="pixels">The same image as RGB in [0,1], for the total-variation term.</param>
    /// <returns>The total as a differentiable scalar (caller disposes) and the weighted terms as numbers.</returns>
    public (Tensor Total, LossBreakdown Terms) Evaluate(Tensor input, Tensor pixels)
    {
        using var scope = torch.NewDisposeScope();
        Tensor? content = null;
        Tensor? style = null;
        for (var octave = 0; octave < OctaveCount; octave++)
        {
            // One pass of the network per octave, for every term that reads that octave.
            var terms = octave < _styleOctaves.Count ? _styleOctaves[octave] : [];
            var layers = terms.Select(t => t.Layer);
            if (octave == _contentOctave) layers = layers.Append(_content!.Layer);
            var features = _network.Extract(Octaves.Of(input, octave), layers.Distinct().ToList());
            if (octave == _contentOctave) content = _content!.EvaluateWhole(features[_content!.Layer]).mul(_contentWeight);
            foreach (var term in terms)
                style = style is null ? term.Evaluate(features[term.Layer]) : style + term.Evaluate(features[term.Layer]);
        }
        style = style!.mul(_styleWeight);
        var total = content! + style;
        var tvValue = 0.0;
        if (_tvWeight > 0)
        {
            var tv = TotalVariationLoss.Evaluate(pixels).mul(_tvWeight);
            total = total + tv;
            tvValue = tv.item<float>();
        }
        var temporalValue = 0.0;
        if (_temporal is not null)
        {
            var temporal = _temporal.Evaluate(pixels);
            total = total + temporal;
            temporalValue = temporal.item<float>();
        }
        var breakdown = new LossBreakdown(content!.item<float>(), style.item<float>(), tvValue, temporalValue);
        return (total.MoveToOuterDisposeScope(), breakdown);
    }

    public void Dispose()
    {
        _content?.Dispose();
        _temporal?.Dispose();
        foreach (var term in _styleOctaves.SelectMany(t => t)) term.Dispose();
    }
}
