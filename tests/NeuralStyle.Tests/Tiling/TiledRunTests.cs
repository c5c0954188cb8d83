using NeuralStyle.Networks;
using NeuralStyle.Tests.Support;
using NeuralStyle.Transfer;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Tiling;

/// <summary>Whole runs in tiles (issue 12): they follow the untiled run, tile only the scales that need it, and keep
/// every control working.</summary>
public class TiledRunTests(ITestOutputHelper output)
{
    private static readonly string Examples = Path.Combine(SharedFiles.RepoRoot, "examples");
    private static readonly string Photo = Path.Combine(Examples, "coffee.png");
    private static readonly string Painting = Path.Combine(Examples, "starry_night.jpg");

    /// <summary>Adam: L-BFGS without a line search turns float rounding into visibly different paths (its second step
    /// divides by the difference of two nearly equal gradients): the same whole run on 2 threads instead of 1 ends
    /// 2.6 % away (README, "Tiles"), so only Adam can show that tiles follow the whole run to 0.5 %.</summary>
    private static StyleTransferSettings Settings(string model, int size, int iterations) =>
        Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Parse(model)) with
        {
            Size = size, Scales = 1, ScaleIterations = null, Iterations = iterations, Precision = NeuralStyle.Networks.Precision.Fp32, Threads = 1, Seed = 4,
            Optimizer = OptimizerKind.Adam, LearningRate = 0.02,
        };

    private static (List<double> Losses, Tensor Image, IReadOnlyList<MemoryPlan> Plans) Run(StyleTransferSettings settings)
    {
        using var session = new StyleTransferSession(settings, StyleTransferInputs.FromFiles(Photo, [Painting], settings));
        var losses = new List<double>();
        while (session.Step() is { } report) losses.Add(report.Terms.Total);
        using var result = session.Result();
        return (losses, result.Image.clone().DetachFromDisposeScope(), session.MemoryPlans);
    }

    /// <summary>The default network: tiles follow the whole run to 0.5 % at every step (measured: 0.000 %).</summary>
    [Fact]
    public void TwentyTiledStepsFollowTheWholeRunsLoss()
    {
        var (tiled, _) = Compare("vgg19-conv3", 256, 64);
        Assert.True(tiled <= 0.005, $"a tiled step's loss differs from the whole run's by {tiled:P3}");
    }

    /// <summary>ResNet18 with Adam is chaotic at the level of float rounding: a start image moved by a millionth ends
    /// 1.2 % away (measured), and ResNet18's convolutions round differently at each input size (gradient error 1.2e-6
    /// against VGG's 3e-7, <see cref="TiledGradientTests"/>). Tiles may not move the run more than twice that
    /// perturbation does (measured: 0.75 %).</summary>
    [Fact]
    public void TiledResNet18RunsStayWithinTheRoundingNoiseOfTheWholeRun()
    {
        var (tiled, perturbed) = Compare("resnet18", 192, 32);
        Assert.True(tiled <= Math.Max(0.005, 2 * perturbed), $"tiles moved the run by {tiled:P3}, a millionth of the start image by {perturbed:P3}");
    }

    /// <summary>Worst per-step relative loss difference from the whole run: of the tiled run, and of the whole run
    /// started from an image moved by 1e-6 (the noise floor).</summary>
    private (double Tiled, double Perturbed) Compare(string model, int size, int tile)
    {
        var whole = Run(Settings(model, size, 20));
        var tiled = Run(Settings(model, size, 20) with { TileSize = tile });
        var perturbed = Run(Settings(model, size, 20) with { Init = InitialImage.Parse("noise-blend:0.000001") });
        Assert.False(whole.Plans[0].Tiled);
        Assert.True(tiled.Plans[0].Tiled);
        Assert.True(tiled.Plans[0].TileColumns >= 3 && tiled.Plans[0].TileRows >= 3, tiled.Plans[0].Describe());
        Assert.Equal(20, tiled.Losses.Count);
        Assert.True(whole.Losses[^1] < 0.8 * whole.Losses[0], "the run should make progress");
        double Worst(List<double> other) => whole.Losses.Zip(other, (a, b) => Math.Abs(b - a) / a).Max();
        var (t, p) = (Worst(tiled.Losses), Worst(perturbed.Losses));
        output.WriteLine($"{tiled.Plans[0].Describe()}; loss {whole.Losses[0]:G6} → {whole.Losses[^1]:G6}; worst step: tiled {t:P3}, perturbed start {p:P3}");
        foreach (var image in new[] { whole.Image, tiled.Image, perturbed.Image }) image.Dispose();
        return (t, p);
    }

    [Fact]
    public void OnlyTheScalesLargerThanATileAreTiledAndControlsStillWork()
    {
        // Two scales (128 and 256 px), tiles of 128: the coarse scale runs whole, the fine one in tiles; with colour
        // preservation, a moving average, two style octaves and Adam, the result matches the untiled run's.
        var settings = Settings("vgg19-conv3", 256, 0) with
        {
            Scales = 2, ScaleIterations = [6, 6], PreserveColor = ColorPreservation.Luminance, EmaDecay = 0.5, StyleOctaves = 2,
        };
        var whole = Run(settings);
        var tiled = Run(settings with { TileSize = 128 });
        Assert.Equal("False True", string.Join(" ", tiled.Plans.Select(p => p.Tiled)));
        using var difference = (tiled.Image - whole.Image).abs().max();
        var worst = whole.Losses.Zip(tiled.Losses, (a, b) => Math.Abs(b - a) / a).Max();
        output.WriteLine($"images differ by up to {difference.item<float>()}, losses by {worst:P4}");
        Assert.True(difference.item<float>() < 1 / 255f, $"images differ by up to {difference.item<float>()}");
        Assert.True(worst <= 1e-3, $"a step's loss differs by {worst:P3}");
        whole.Image.Dispose();
        tiled.Image.Dispose();
    }
}
