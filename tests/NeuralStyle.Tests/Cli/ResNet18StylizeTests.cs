using NeuralStyle.Onnx;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Cli;

/// <summary>
/// The bundled ResNet18 end to end, as a child process: it needs no download and no ../shared (the
/// example images are in the repository), so these run on any machine.
/// </summary>
public sealed class ResNet18StylizeTests : IDisposable
{
    private static readonly string Examples = Path.Combine(SharedFiles.RepoRoot, "examples");
    private static readonly string Photo = Path.Combine(Examples, "chelsea.png");
    private static readonly string Painting = Path.Combine(Examples, "starry_night.jpg");

    private readonly TempFolder _out = new();
    private readonly TempFolder _cache = new(); // empty: no VGG19 weights anywhere

    public void Dispose()
    {
        _out.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public async Task StyleLossAtLeastHalvesAndContentStaysBounded()
    {
        var output = _out.File("cat.png");
        var log = _out.File("loss.jsonl");

        var run = await StylizeRun.RunAsync(_cache.Path,
            [Photo, Painting, "-o", output, "--model", "resnet18", "--size", "128", "--iterations", "50", "--log-json", log]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = StylizeRun.ReadLog(log);
        Assert.Equal(50, lines.Count);
        Assert.True(lines[^1].Style <= 0.5 * lines[0].Style, $"style fell only from {lines[0].Style} to {lines[^1].Style}");
        // Content is a relative error ‖F−P‖²/‖P‖² times α = 1: it starts at 0 and must stay below 1,
        // the error of an image whose features are all zero.
        Assert.Equal(0, lines[0].Content);
        Assert.InRange(lines.Max(l => l.Content), 0, 1);
        // The photo's proportions (451×300 → 128×85), not rounded to the multiples of 32 ResNet18 needs.
        Assert.Equal((128, 85), StylizeRun.PngSize(output));
    }

    [Fact]
    public async Task OutputKeepsThePhotosProportionsAtSidesThatAreNotMultiplesOf32()
    {
        // A 300×197 photo: before, ResNet18 runs stretched it to 288×192 or 320×192.
        var photo = _out.File("photo300x197.png");
        using (var cat = NeuralStyle.Imaging.ImageLoader.Load(Photo, 300, 197)) NeuralStyle.Imaging.ImageSaver.Save(cat, photo);
        var output = _out.File("out.png");

        var run = await StylizeRun.RunAsync(_cache.Path,
            [photo, Painting, "-o", output, "--model", "resnet18", "--size", "300", "--iterations", "2", "--scales", "1"]);
        var atSize150 = await StylizeRun.RunAsync(_cache.Path,
            [photo, Painting, "-o", _out.File("small.png"), "--model", "resnet18", "--size", "150", "--iterations", "2"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(atSize150.ExitCode == 0, atSize150.Stderr);
        Assert.Equal((300, 197), StylizeRun.PngSize(output));
        Assert.Equal((150, (int)Math.Round(150 * 197 / 300.0, MidpointRounding.AwayFromZero)), StylizeRun.PngSize(_out.File("small.png")));
    }

    [Fact]
    public async Task AutoFallsBackToTheBundledVggLayersWithANotice()
    {
        var output = _out.File("auto.png");

        var run = await StylizeRun.RunAsync(_cache.Path, [Photo, Painting, "-o", output, "--size", "64", "--iterations", "2"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("using the bundled VGG19 layers to conv3_4 (vgg19-conv3)", run.Stdout);
        Assert.Contains("neural-style models download vgg19", run.Stdout);
        Assert.True(File.Exists(output));
    }

    [Fact]
    public async Task OnnxPathToTheBundledFileGivesTheSameImageAsResNet18()
    {
        // onnx:PATH takes the gatys preset's weights, resnet18 its own tuned ones: give them all.
        string[] common = ["--size", "64", "--iterations", "4", "--init", "noise", "--seed", "5", "--threads", "1",
            "--style-layers", "conv1,layer1,layer2", "--content-layer", "layer2", "--style-weight", "10", "--tv-weight", "0.1"];
        var named = _out.File("named.png");
        var byPath = _out.File("by-path.png");

        var first = await StylizeRun.RunAsync(_cache.Path, [Photo, Painting, "-o", named, "--model", "resnet18", .. common]);
        var second = await StylizeRun.RunAsync(_cache.Path,
            [Photo, Painting, "-o", byPath, "--model", "onnx:" + ResNet18Network.BundledPath, .. common]);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(File.ReadAllBytes(named), File.ReadAllBytes(byPath));
    }

    [Fact]
    public async Task OnnxModelWithoutLayersSaysHowToFindThem()
    {
        var run = await StylizeRun.RunAsync(_cache.Path,
            [Photo, Painting, "-o", _out.File("x.png"), "--model", "onnx:" + ResNet18Network.BundledPath]);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("--style-layers and --content-layer", line);
        Assert.Contains("models inspect", line);
        Assert.Empty(_out.Entries());
    }

    [Fact]
    public async Task SeedPresetIsRejectedForResNet18()
    {
        var run = await StylizeRun.RunAsync(_cache.Path,
            [Photo, Painting, "-o", _out.File("x.png"), "--model", "resnet18", "--preset", "seed"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--preset seed", Assert.Single(run.StderrLines));
    }
}
