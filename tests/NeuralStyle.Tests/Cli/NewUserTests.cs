using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Cli;

/// <summary>What a new user trips over first (issue 11, section 5): help without defaults, reports written
/// silently, a header line printed before a missing or broken input is reported. Bundled model and the
/// images in examples/, so nothing here needs ../shared.</summary>
public sealed class NewUserTests : IDisposable
{
    private static readonly string Examples = Path.Combine(SharedFiles.RepoRoot, "examples");
    private readonly TempFolder _out = new();
    private readonly TempFolder _cache = new(); // empty: --model auto falls back to the bundled vgg19-conv3, with a notice

    public void Dispose()
    {
        _out.Dispose();
        _cache.Dispose();
    }

    private Task<CliRun> Stylize(params string[] args) => StylizeRun.RunAsync(_cache.Path, args);

    [Fact]
    public async Task HelpShowsTheDefaultsOfSizeAndIterations()
    {
        var run = await CliProcess.RunAsync(["stylize", "--help"]);
        Assert.Equal(0, run.ExitCode);
        var help = string.Join(" ", run.Stdout.Split('\n').Select(l => l.Trim()));
        Assert.Contains("default: 512 with --preset gatys, 400 with seed", help);
        Assert.Contains("128→256→512", help);
        Assert.Contains("vgg19-conv3 200,80,25 per scale", help);
        Assert.Contains("vgg19/vgg16 500", help);
        Assert.Contains("--preset seed 2000", help);
    }

    [Fact]
    public async Task ContactSheetAndLossPlotEachPrintAWroteLine()
    {
        var (output, sheet, plot) = (_out.File("out.png"), _out.File("sheet.png"), _out.File("losses.png"));
        var run = await Stylize(Path.Combine(Examples, "chelsea.png"), Path.Combine(Examples, "starry_night.jpg"), "-o", output,
            "--size", "32", "--iterations", "3", "--threads", "1", "--contact-sheet", sheet, "--plot-losses", plot);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.TrimEnd().Split('\n');
        Assert.Equal([$"wrote {output}", $"wrote {sheet}", $"wrote {plot}"], lines[^3..]);
        Assert.All(new[] { output, sheet, plot }, f => Assert.True(File.Exists(f), f));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("corrupt")]
    public async Task NothingIsPrintedBeforeABadInputIsReported(string kind)
    {
        var content = _out.File("photo.png");
        if (kind == "corrupt") File.WriteAllText(content, "not a picture");
        var run = await Stylize(content, Path.Combine(Examples, "starry_night.jpg"), "-o", _out.File("out.png"), "--size", "32");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout); // neither the model notice nor the header line
        Assert.Single(run.StderrLines);
        Assert.StartsWith("neural-style: error: ", run.StderrLines[0]);
        Assert.Contains("photo.png", run.StderrLines[0]);
    }
}
