using NeuralStyle.Imaging;
using NeuralStyle.Losses;
using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Reports;

/// <summary>A result judged by one fixed network: the relative error of each style layer's Gram matrix
/// against the painting's, and of the content layer's features against the photo's.</summary>
/// <param name="StyleLayers">Per style layer ‖G−A‖²/‖A‖² (<see cref="GramStyleLoss"/>, scale-free, weight 1).</param>
/// <param name="Content">‖F−P‖²/‖P‖² at <paramref name="ContentLayer"/> (<see cref="ContentLoss"/>, scale-free).</param>
public sealed record QualityScore(string Network, IReadOnlyList<(string Layer, double Error)> StyleLayers, string ContentLayer, double Content)
{
    /// <summary>Style distance: the unweighted mean of the per-layer relative Gram errors.</summary>
    public double Style => StyleLayers.Average(l => l.Error);
}

/// <summary>
/// Scores results with a fixed network and fixed layers, whatever network made them, so that no loss
/// network is judged only by its own loss. Always fp32. Two yardsticks: <see cref="Vgg"/> (the bundled
/// VGG19 to conv3_4: style relu1_1, relu2_1, relu3_1, content relu3_2) and <see cref="ResNet18"/> (style
/// conv1, layer1…layer4, content layer3). The formulas are the loss terms' own (scale-free relative errors).
/// </summary>
public sealed class QualityScorer : IDisposable
{
    private readonly IFeatureNetwork _network;

    public string Name { get; }
    public IReadOnlyList<string> StyleLayers { get; }
    public string ContentLayer { get; }

    private QualityScorer(string name, ModelSpec model, IReadOnlyList<string> styleLayers, string contentLayer)
    {
        Name = name;
        StyleLayers = styleLayers;
        ContentLayer = contentLayer;
        _network = FeatureNetworks.Create(model, null, styleLayers.Append(contentLayer).ToList(), PoolingKind.Max, Precision.Fp32);
    }

    public static QualityScorer Vgg() => new("vgg", ModelSpec.Vgg19Conv3, ["relu1_1", "relu2_1", "relu3_1"], "relu3_2");

    public static QualityScorer ResNet18() => new("resnet", ModelSpec.ResNet18, ["conv1", "layer1", "layer2", "layer3", "layer4"], "layer3");

    /// <summary>
    /// Scores <paramref name="result"/> (RGB [1,3,H,W] in [0,1]) against the photo loaded at the result's size
    /// and the painting loaded with the same longest side (its own aspect ratio, style scale 1). Every network
    /// takes any size (<see cref="FeatureNetworks.Create"/> pads to its stride), so nothing is resized.
    /// </summary>
    public QualityScore Score(Tensor result, string photoPath, string paintingPath)
    {
        using var scope = torch.NewDisposeScope();
        var size = ImageResize.SizeOf(result);
        var photo = ImageLoader.Load(photoPath, size.Width, size.Height);
        var paintingSize = ImageLoader.ReadSize(paintingPath).WithLongestSide(size.LongestSide);
        var painting = ImageLoader.Load(paintingPath, paintingSize.Width, paintingSize.Height);
        return Score(result, photo, painting);
    }

    /// <summary><see cref="Score(Tensor, string, string)"/> against each painting of a blend alone: with a 0.5/0.5 blend their
    /// style distances should be about equal, and a result that shows one painting only is near that one and far from the other.</summary>
    public IReadOnlyList<QualityScore> ScoreEach(Tensor result, string photoPath, IReadOnlyList<string> paintingPaths) =>
        paintingPaths.Select(p => Score(result, photoPath, p)).ToList();

    /// <summary>One score for a blend from <see cref="ScoreEach"/>: each style layer's error is the mean of its errors against
    /// each painting alone (no blended target, so the score does not depend on how a run blends); the content is the photo's.</summary>
    public static QualityScore Mean(IReadOnlyList<QualityScore> scores)
    {
        if (scores.Count == 1) return scores[0];
        var layers = scores[0].StyleLayers.Select((l, i) => (l.Layer, scores.Average(s => s.StyleLayers[i].Error))).ToList();
        return scores[0] with { StyleLayers = layers };
    }

    /// <summary>Scores images already at the sizes to compare (RGB [1,3,H,W] in [0,1]).</summary>
    public QualityScore Score(Tensor result, Tensor photo, Tensor painting)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        const LossNormalization relative = LossNormalization.ScaleFree;
        var features = _network.Extract(_network.Normalize(result), StyleLayers.Append(ContentLayer).Distinct().ToList());
        var photoFeatures = _network.Extract(_network.Normalize(photo), [ContentLayer]);
        var paintingFeatures = _network.Extract(_network.Normalize(painting), StyleLayers);
        var style = StyleLayers.Select(layer =>
        {
            using var loss = new GramStyleLoss(layer, 1.0, GramStyleLoss.Gram(paintingFeatures[layer], relative), relative);
            return (layer, (double)loss.Evaluate(features[layer]).item<float>());
        }).ToList();
        using var content = new ContentLoss(ContentLayer, photoFeatures[ContentLayer], relative);
        return new QualityScore(Name, style, ContentLayer, content.Evaluate(features[ContentLayer]).item<float>());
    }

    public void Dispose() => _network.Dispose();
}
