using NeuralStyle.Reports;
using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Tests.Support;
using NeuralStyle.Transfer;

namespace NeuralStyle.Tests.Transfer;

/// <summary>Small real runs: real photo, real painting, real ImageNet weights (conv1_1…conv3_4).</summary>
public class EndToEndFixtureTests
{
    private static readonly IReadOnlyList<LayerWeight> ShallowReluLayers = LayerWeights.Parse("relu1_1,relu2_1,relu3_1");

    [SkippableTheory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void GatysLossesFallOnARealPair(OptimizerKind optimizer)
    {
        var settings = Presets.Gatys with
        {
            Size = 64, Iterations = 20, Optimizer = optimizer, StyleLayers = ShallowReluLayers, ContentLayer = "relu3_2",
            LearningRate = Presets.DefaultLearningRate(optimizer, Presets.Gatys.Space), Threads = 2,
            Model = ModelSpec.Vgg19, WeightsPath = SharedFiles.Fixture("vgg19-partial-conv3_4.pth"),
        };
        var reports = Run(settings, out var image);
        using (image)
        {
            Assert.Equal(20, reports.Count);
            Assert.True(reports[^1].Terms.Total < 0.8 * reports[0].Terms.Total,
                $"total fell only from {reports[0].Terms.Total} to {reports[^1].Terms.Total}");
            Assert.True(reports[^1].Terms.Style < reports[0].Terms.Style);
            var expected = ImageLoader.ReadSize(SharedFiles.Image("tubingen.jpg")).WithLongestSide(64);
            Assert.Equal([1L, 3, expected.Height, expected.Width], image.shape);
            Assert.InRange(image.min().item<float>(), 0, 1);
            Assert.InRange(image.max().item<float>(), 0, 1);
        }
    }

    [SkippableFact]
    public void SeedPresetLossesFallOnARealPair()
    {
        var settings = Presets.Seed with
        {
            Size = 64, Iterations = 20, LearningRate = 0.05, Threads = 2,
            StyleLayers = LayerWeights.Parse("conv1_1=1,conv2_1=0.75,conv3_1=0.2"), ContentLayer = "conv3_2",
            Model = ModelSpec.Vgg19, WeightsPath = SharedFiles.Fixture("vgg19-partial-conv3_4-legacy.pth"),
        };
        var reports = Run(settings, out var image);
        image.Dispose();
        Assert.True(reports[^1].Terms.Total < reports[0].Terms.Total);
        Assert.Equal(0, reports[0].Terms.Content); // starts as the content clone
    }

    [SkippableFact]
    public void NoiseInitMovesTowardTheContent()
    {
        var settings = Presets.Gatys with
        {
            Size = 48, Iterations = 15, Init = InitialImage.Noise, Seed = 11, StyleLayers = ShallowReluLayers,
            ContentLayer = "relu3_2", StyleWeight = 0.1, Threads = 2, Model = ModelSpec.Vgg19, WeightsPath = SharedFiles.Fixture("vgg19-partial-conv3_4.pth"),
        };
        var reports = Run(settings, out var image);
        image.Dispose();
        Assert.True(reports[^1].Terms.Content < 0.5 * reports[0].Terms.Content);
    }

    private static IReadOnlyList<IterationReport> Run(StyleTransferSettings settings, out TorchSharp.torch.Tensor image)
    {
        var history = new LossHistory(); // records every step
        var reports = history.Reports;
        var result = StyleTransferSession.Stylize(settings,
            StyleTransferInputs.FromFiles(SharedFiles.Image("tubingen.jpg"), [SharedFiles.Image("starry_night.jpg")], settings), progress: history);
        image = result.Image;
        return reports;
    }
}
