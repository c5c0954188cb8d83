using NeuralStyle.Tests.Support;
using NeuralStyle.Tests.Cli;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Controls;

/// <summary>The control options through the real CLI (child process, bundled ResNet18).</summary>
public sealed class ControlsCliTests : IDisposable
{
    private readonly TempFolder _out = new();
    private readonly TempFolder _cache = new();

    public void Dispose()
    {
        _out.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public async Task TwoStylesWithEveryControlWriteAnImage()
    {
        var output = _out.File("mix.png");
        var run = await StylizeRun.RunAsync(_cache.Path,
        [
            Photo, Starry, Scream, "-o", output, "--model", "resnet18", "--size", "64", "--iterations", "3",
            "--style-blend", "0.7,0.3", "--style-scale", "0.5,1.5", "--preserve-color", "histogram",
            "--style-loss", "mean-cov", "--ema", "0.5", "--init", "noise-blend:0.3",
        ]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var (width, height) = StylizeRun.PngSize(output);
        Assert.Equal(64, Math.Max(width, height));
    }

    [Theory]
    [InlineData("--style-blend", "0.5", "1 weights for 2 style images")]
    [InlineData("--style-blend", "0,0", "not all 0")]
    [InlineData("--style-blend", "a,b", "'a'")]
    [InlineData("--style-scale", "1,2,3", "3 values for 2 style images")]
    [InlineData("--preserve-color", "sepia", "--preserve-color must be")]
    [InlineData("--style-loss", "l1", "--style-loss must be")]
    [InlineData("--ema", "1.5", "--ema must be in [0, 1)")]
    [InlineData("--init", "noise-blend:2", "between 0 and 1")]
    public async Task BadControlValuesAreOneLineErrors(string option, string value, string expected)
    {
        var run = await StylizeRun.RunAsync(_cache.Path,
            [Photo, Starry, Scream, "-o", _out.File("x.png"), "--model", "resnet18", option, value]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, Assert.Single(run.StderrLines));
        Assert.Empty(_out.Entries());
    }
}
