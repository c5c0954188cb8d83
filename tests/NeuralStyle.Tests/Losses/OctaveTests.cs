using NeuralStyle.Losses;
using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Losses;

/// <summary>Style statistics of shrunk copies (<c>--style-octaves</c>) and content on a shrunk copy
/// (<c>--content-octave</c>), with the bundled VGG19 layers.</summary>
public class OctaveTests
{
    private static readonly (string, double)[] StyleLayers = [("relu1_1", 1.0), ("relu2_1", 1.0), ("relu3_1", 1.0)];

    [Fact]
    public void AnOctaveIsTheBoxAverageOfEachBlock()
    {
        using var scope = torch.NewDisposeScope();
        var image = torch.arange(16, dtype: ScalarType.Float32).reshape(1, 1, 4, 4);
        var half = Octaves.Of(image, 1);
        Assert.Equal([1L, 1, 2, 2], half.shape);
        Assert.Equal((0 + 1 + 4 + 5) / 4f, half[0, 0, 0, 0].item<float>());
        Assert.Equal((10 + 11 + 14 + 15) / 4f, half[0, 0, 1, 1].item<float>());
        Assert.Equal(2, Octaves.Available(torch.zeros(1, 3, 64, 100), 4)); // 64 → 32, and no 16 px octave
    }

    [Fact]
    public void ContentOnTheHalfSizeCopyIgnoresDetailThatAveragesOut()
    {
        using var scope = torch.NewDisposeScope();
        using var network = FeatureNetworks.Create(ModelSpec.Vgg19Conv3, null, ["relu1_1", "relu2_1", "relu3_1", "relu3_2"], PoolingKind.Max);
        torch.manual_seed(5);
        var photo = torch.rand(1, 3, 64, 64).mul_(0.5).add_(0.25);
        // ±0.1 in a 2×2 checkerboard: every 2×2 block averages to the photo's own average.
        var checker = (torch.arange(64).remainder(2).unsqueeze(0) + torch.arange(64).remainder(2).unsqueeze(1)).remainder(2).mul(0.2).sub(0.1);
        var detailed = photo + checker;

        double Content(int octave)
        {
            using var objective = new StyleTransferObjective(network, network.Normalize(photo), [(network.Normalize(photo), 1.0)],
                StyleLayers, "relu3_2", LossNormalization.ScaleFree, 1, 0, 0, contentOctave: octave);
            return objective.Evaluate(network.Normalize(detailed), detailed).Terms.Content;
        }

        var full = Content(0);
        var half = Content(1);
        Assert.True(full > 1e-4, $"full-size content should see the checkerboard: {full}");
        Assert.True(half < 1e-3 * full, $"the half-size copy should not: {half} (full size {full})");
    }

    [Fact]
    public void StyleOctavesAreZeroForThePaintingItselfAndSeeLargeStructure()
    {
        using var scope = torch.NewDisposeScope();
        using var network = FeatureNetworks.Create(ModelSpec.Vgg19Conv3, null, ["relu1_1", "relu2_1", "relu3_1", "relu3_2"], PoolingKind.Max);
        torch.manual_seed(6);
        var painting = network.Normalize(torch.rand(1, 3, 128, 128));
        // The painting's 8×8 tiles, shuffled: the same small-scale statistics, other large-scale ones.
        var tiles = painting.reshape(1, 3, 16, 8, 16, 8).permute(0, 1, 2, 4, 3, 5).reshape(1, 3, 256, 8, 8);
        var shuffled = tiles.index_select(2, torch.randperm(256)).reshape(1, 3, 16, 16, 8, 8).permute(0, 1, 2, 4, 3, 5).reshape(1, 3, 128, 128);

        double Style(Tensor image, int octaves)
        {
            using var objective = new StyleTransferObjective(network, painting, [(painting, 1.0)],
                StyleLayers, "relu3_2", LossNormalization.ScaleFree, 0, 1, 0, styleOctaves: octaves);
            return objective.Evaluate(image, network.Denormalize(image)).Terms.Style;
        }

        Assert.True(Style(painting, 3) < 1e-6, $"the painting against itself: {Style(painting, 3)}");
        Assert.True(Style(shuffled, 3) > 0, "shuffled tiles must cost something");

        // Gradient reaches every pixel through the shrunk copies.
        var image = shuffled.clone().requires_grad_(true);
        using var objective = new StyleTransferObjective(network, painting, [(painting, 1.0)],
            StyleLayers, "relu3_2", LossNormalization.ScaleFree, 0, 1, 0, styleOctaves: 3);
        var (total, _) = objective.Evaluate(image, network.Denormalize(image));
        total.backward();
        Assert.True(image.grad!.abs().sum(dim: 1).min().item<float>() > 0, "a pixel got no gradient");
    }
}
