using NeuralStyle.Imaging;
using NeuralStyle.Reports;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Reports;

/// <summary><see cref="QualityScorer"/>: a distance is 0 for the very image it measures against, and positive otherwise.</summary>
public sealed class QualityScoreTests
{
    private static QualityScorer Scorer(string network) => network == "vgg" ? QualityScorer.Vgg() : QualityScorer.ResNet18();

    [Theory]
    [InlineData("vgg")]
    [InlineData("resnet")]
    public void ThePhotoHasNoContentDistanceAndThePaintingNoStyleDistance(string network)
    {
        using var scorer = Scorer(network);
        // 96×64 keeps chelsea's 3:2 and is a multiple of 32, so ResNet18 scores it unresized: P is the same tensor.
        using var photo = ImageLoader.Load(Photo, 96, 64);
        var asPhoto = scorer.Score(photo, Photo, Starry);
        Assert.Equal(0.0, asPhoto.Content);
        Assert.All(asPhoto.StyleLayers, l => Assert.True(l.Error > 0.01, $"{l.Layer}: {l.Error}"));

        // The painting at its own aspect ratio and the result's longest side, as the scorer loads it.
        using var painting = ImageLoader.Load(Starry, 96);
        var asPainting = scorer.Score(painting, Photo, Starry);
        // VGG reads it at 96×77 exactly as given: 0. ResNet18 needs 96×64, and resizing the given 96×77
        // differs slightly from loading the file at 96×64: nearly 0.
        if (network == "vgg") Assert.Equal(0.0, asPainting.Style);
        else Assert.True(asPainting.Style < 0.01, $"style {asPainting.Style}");
        Assert.True(asPainting.Content > 0.05, $"content {asPainting.Content}");
        Assert.True(asPhoto.Style > 20 * asPainting.Style, $"photo's style {asPhoto.Style} vs painting's {asPainting.Style}");
    }

    [Fact]
    public void BothNetworksUseTheirDocumentedLayers()
    {
        using var vgg = QualityScorer.Vgg();
        using var resnet = QualityScorer.ResNet18();
        Assert.Equal(["relu1_1", "relu2_1", "relu3_1"], vgg.StyleLayers);
        Assert.Equal("relu3_2", vgg.ContentLayer);
        Assert.Equal(["conv1", "layer1", "layer2", "layer3", "layer4"], resnet.StyleLayers);
        Assert.Equal("layer3", resnet.ContentLayer);
    }
}
