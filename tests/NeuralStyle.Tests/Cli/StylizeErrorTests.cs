using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Cli;

/// <summary>
/// Every way a user can get <c>stylize</c> wrong ends the same way: a non-zero exit code, exactly one
/// line on stderr starting "neural-style: error:" that names the problem, and nothing written to
/// the output folder (neither an image nor a leftover temporary file).
/// </summary>
public sealed class StylizeErrorTests : IDisposable
{
    private const int UserError = 1;
    private const int BadCommandLine = 2;

    private readonly TempFolder _out = new();    // the folder -o points into; must stay empty
    private readonly TempFolder _inputs = new(); // broken inputs made by the test, and the empty model cache

    public void Dispose()
    {
        _out.Dispose();
        _inputs.Dispose();
    }

    /// <summary>A run that would succeed, with one part replaced by the case under test.</summary>
    private sealed record Case(string Expected, int ExitCode = UserError, string Content = "{tubingen}", string Style = "{starry}",
        string? Output = "{out}/out.png", string Weights = "{zip}", string[]? Layers = null, string[]? Extra = null)
    {
        public IEnumerable<string> Args()
        {
            yield return Content;
            yield return Style;
            if (Output is not null)
                foreach (var a in new[] { "-o", Output }) yield return a;
            foreach (var a in new[] { "--weights", Weights }) yield return a;
            foreach (var a in Layers ?? StylizeRun.SeedLayers) yield return a;
            foreach (var a in Extra ?? ["--size", "48", "--iterations", "2"]) yield return a;
        }
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["missing content file"] = new("{in}/nope.jpg' does not exist", Content: "{in}/nope.jpg"),
        ["style is a text file"] = new("is not an image", Style: "{in}/notes.txt"),
        ["truncated JPEG"] = new("is truncated", Style: "{in}/truncated.jpg"),
        ["truncated JPEG leaves no empty --log-json"] = new("is truncated", Style: "{in}/truncated.jpg",
            Extra: ["--size", "48", "--iterations", "2", "--log-json", "{out}/steps.jsonl"]),
        ["unknown preset"] = new("unknown preset 'foo'", Extra: ["--size", "48", "--preset", "foo"]),
        ["size 0"] = new("--size must be between 16 and 8192", Extra: ["--size", "0"]),
        ["tile 5"] = new("--tile must be 0 (automatic) or between 16 and 8192 pixels", Extra: ["--size", "48", "--tile", "5"]),
        ["max memory not a size"] = new("--max-memory '4 gigs' is not a size (e.g. 4GiB, 512MiB)", Extra: ["--size", "48", "--max-memory", "4 gigs"]),
        ["max memory too small"] = new("--max-memory must be at least 1.0 GiB", Extra: ["--size", "48", "--max-memory", "100MiB"]),
        ["max memory cannot fit"] = new(" px does not fit a 1.0 GiB budget", Extra: ["--size", "8192", "--max-memory", "1GiB"]),
        ["scales 0"] = new("--scales must be auto or between 1 and 8, not '0'", Extra: ["--size", "48", "--scales", "0"]),
        ["scale iterations not a count"] = new("--scale-iterations: 'x' in '5,x' is not a whole number ≥ 0", Extra: ["--size", "48", "--scale-iterations", "5,x"]),
        ["scale iterations for other scales"] = new("--scale-iterations needs one step count per scale (3 with --scales 3)",
            Extra: ["--size", "48", "--scales", "3", "--scale-iterations", "5,5"]),
        ["size abc"] = new("Cannot parse argument 'abc' for option '--size' as a whole number.", BadCommandLine, Extra: ["--size", "abc"]),
        ["ema x"] = new("Cannot parse argument 'x' for option '--ema' as a number.", BadCommandLine, Extra: ["--ema", "x"]),
        ["no output option"] = new("'--output' is required", BadCommandLine, Output: null),
        ["optimizer sgd"] = new("--optimizer must be lbfgs or adam, not 'sgd'", Extra: ["--size", "48", "--optimizer", "sgd"]),
        ["pooling foo"] = new("--pooling must be max or avg, not 'foo'", Extra: ["--size", "48", "--pooling", "foo"]),
        ["style layer weight not a number"] = new("'x' in 'conv1_1=x' is not a number",
            Layers: ["--style-layers", "conv1_1=x", "--content-layer", "conv3_2"]),
        // The fixture stops at conv3_4 (features.16); conv4_1 is features.19.
        ["layer deeper than the weights"] = new("no 'features.19.weight' (needed for layer conv4_1",
            Layers: ["--style-layers", "conv1_1,conv4_1", "--content-layer", "conv3_2"]),
        ["weights file missing"] = new("{in}/missing.pth' does not exist", Weights: "{in}/missing.pth"),
        ["weights file is random bytes"] = new("is not a PyTorch checkpoint", Weights: "{in}/random.pth"),
        ["output extension tiff"] = new("unsupported extension '.tiff'", Output: "{out}/out.tiff"),
        ["output folder missing"] = new("the folder '{out}/missing' does not exist", Output: "{out}/missing/out.png"),
        ["model vgg11"] = new("unknown model 'vgg11'", Extra: ["--size", "48", "--model", "vgg11"]),
        ["unknown layer name"] = new("vgg19 has no layer 'conv9_9'", Layers: ["--style-layers", "conv9_9", "--content-layer", "conv3_2"]),
        ["log-json folder missing"] = new("Cannot save --log-json '{out}/missing/loss.jsonl': the folder '{out}/missing' does not exist",
            Extra: ["--size", "48", "--iterations", "2", "--log-json", "{out}/missing/loss.jsonl"]),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [SkippableTheory]
    [MemberData(nameof(CaseNames))]
    public async Task FailsWithOneLineAndWritesNothing(string name)
    {
        var @case = Cases[name];
        var run = await StylizeRun.RunAsync(_inputs.File("cache"), @case.Args().Select(Resolve));

        Assert.Equal(@case.ExitCode, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("neural-style: error: ", line);
        Assert.Contains(Resolve(@case.Expected), line);
        Assert.DoesNotContain("Exception", line); // a type name means an unhandled error leaked through
        Assert.Empty(_out.Entries());
    }

    [Fact]
    public async Task ParseErrorsPointToTheHelpOfTheirCommand()
    {
        var run = await CliProcess.RunAsync(["stylize", "a.jpg", "b.jpg", "-o", "out.png", "--no-such-option"]);

        Assert.Equal(BadCommandLine, run.ExitCode);
        Assert.Equal(["neural-style: error: Unrecognized command or argument '--no-such-option'. (see 'neural-style stylize --help')"],
            run.StderrLines);
        Assert.Equal("", run.Stdout); // no help text dumped on a mistake
    }

    /// <summary>Replaces {placeholders} with real paths, making the broken input files on first use.</summary>
    private string Resolve(string text)
    {
        if (text.Contains("{tubingen}")) text = text.Replace("{tubingen}", SharedFiles.Image("tubingen.jpg"));
        if (text.Contains("{starry}")) text = text.Replace("{starry}", SharedFiles.Image("starry_night.jpg"));
        if (text.Contains("{zip}")) text = text.Replace("{zip}", StylizeRun.ZipWeights);
        text = text.Replace("{out}", _out.Path);
        if (!text.Contains("{in}")) return text;

        File.WriteAllText(_inputs.File("notes.txt"), "Starry Night, Van Gogh, 1889: swirls, blue and yellow.\n");
        // Half of a real JPEG: a valid header, then the data just stops, as after a cut-off download.
        var jpeg = File.ReadAllBytes(SharedFiles.Image("starry_night.jpg"));
        File.WriteAllBytes(_inputs.File("truncated.jpg"), jpeg[..(jpeg.Length / 2)]);
        var noise = new byte[64 * 1024];
        new Random(1).NextBytes(noise);
        File.WriteAllBytes(_inputs.File("random.pth"), noise);
        return text.Replace("{in}", _inputs.Path);
    }
}
