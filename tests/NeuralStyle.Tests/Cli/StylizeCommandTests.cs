using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Cli;

/// <summary>
/// <c>neural-style stylize</c> end to end, as a child process on the real fixture weights and photos:
/// the files it writes, its JSON log, determinism and Ctrl-C/SIGTERM. Images are 48–96 px and runs
/// a few steps, so each test takes seconds.
/// </summary>
public sealed class StylizeCommandTests : IDisposable
{
    private readonly TempFolder _out = new();   // only what the CLI writes
    private readonly TempFolder _cache = new(); // an empty model cache

    public void Dispose()
    {
        _out.Dispose();
        _cache.Dispose();
    }

    [SkippableFact]
    public async Task WritesAPngOfTheRequestedSizeAndAJsonLineForEveryStep()
    {
        var content = SharedFiles.Image("tubingen.jpg");
        var output = _out.File("out.png");
        var log = _out.File("loss.jsonl");

        var run = await StylizeRun.RunAsync(_cache.Path, [content, SharedFiles.Image("the_scream.jpg"), "-o", output,
            "--weights", StylizeRun.ZipWeights, .. StylizeRun.GatysLayers, "--size", "64", "--iterations", "6", "--log-json", log]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr); // a successful run prints nothing on stderr
        Assert.EndsWith($"wrote {output}", run.Stdout.TrimEnd());
        Assert.Equal(["loss.jsonl", "out.png"], _out.Entries().Order()); // no temp files left behind

        // Longest side = --size, the other side keeps the photo's proportions (to the pixel).
        var (width, height) = StylizeRun.PngSize(output);
        var source = StylizeRun.ImageSize(content);
        Assert.Equal(64, Math.Max(width, height));
        Assert.Equal(source.Width > source.Height, width > height);
        Assert.InRange(Math.Min(width, height), Math.Floor(64.0 * Math.Min(source.Width, source.Height) / Math.Max(source.Width, source.Height)),
            Math.Ceiling(64.0 * Math.Min(source.Width, source.Height) / Math.Max(source.Width, source.Height)));

        var lines = StylizeRun.ReadLog(log);
        Assert.Equal(Enumerable.Range(1, 6), lines.Select(l => l.Step));
        foreach (var line in lines)
        {
            Assert.Equal(line.Content + line.Style + line.Tv, line.Total, 1e-9 * Math.Abs(line.Total));
            Assert.True(line.Content >= 0 && line.Style > 0 && line.Tv >= 0, $"negative or zero term in {line}");
        }
        Assert.All(lines.Zip(lines.Skip(1)), pair => Assert.True(pair.Second.Seconds >= pair.First.Seconds, $"time went back: {pair}"));
        // The optimiser must actually reduce what it is asked to reduce.
        Assert.True(lines[^1].Style < lines[0].Style, $"style loss did not fall: {lines[0].Style} → {lines[^1].Style}");
    }

    [SkippableFact]
    public async Task LegacyAndZipCheckpointsGiveTheSameLossesAndTheSameImage()
    {
        // The acceptance case of the issue: the two serialisations hold the same tensors, so
        // everything computed from them must match bit for bit; only wall-clock time may differ.
        async Task<(List<StylizeRun.LogLine> Log, byte[] Image)> RunWith(string weights, string name)
        {
            var output = _out.File(name + ".png");
            var log = _out.File(name + ".jsonl");
            var run = await StylizeRun.RunAsync(_cache.Path, [SharedFiles.Image("tubingen.jpg"), SharedFiles.Image("starry_night.jpg"),
                "-o", output, "--preset", "seed", "--weights", weights, .. StylizeRun.SeedLayers,
                "--size", "64", "--iterations", "5", "--log-json", log]);
            Assert.True(run.ExitCode == 0, run.Stderr);
            return (StylizeRun.ReadLog(log), await File.ReadAllBytesAsync(output));
        }

        var zip = await RunWith(StylizeRun.ZipWeights, "zip");
        var legacy = await RunWith(StylizeRun.LegacyWeights, "legacy");

        Assert.Equal(5, zip.Log.Count);
        Assert.Equal(zip.Log.Select(l => l with { Seconds = 0 }), legacy.Log.Select(l => l with { Seconds = 0 }));
        Assert.Equal(zip.Image, legacy.Image);
    }

    [SkippableFact]
    public async Task NoiseInitIsReproducibleForASeedAndDiffersForAnother()
    {
        Task<byte[]> RunWithSeed(string seed, string name) => Task.Run(async () =>
        {
            var output = _out.File(name);
            var run = await StylizeRun.RunAsync(_cache.Path, [SharedFiles.Image("golden_gate.jpg"), SharedFiles.Image("shipwreck.jpg"),
                "-o", output, "--preset", "seed", "--weights", StylizeRun.ZipWeights, .. StylizeRun.SeedLayers,
                "--size", "48", "--iterations", "3", "--init", "noise", "--seed", seed, "--threads", "1"]);
            Assert.True(run.ExitCode == 0, run.Stderr);
            return await File.ReadAllBytesAsync(output);
        });

        // Separate processes, so nothing but the seed can carry the random state from one run to the next.
        var results = await Task.WhenAll(RunWithSeed("3", "a.png"), RunWithSeed("3", "b.png"), RunWithSeed("4", "c.png"));

        Assert.Equal(results[0], results[1]);
        Assert.NotEqual(results[0], results[2]);
    }

    [SkippableFact]
    public async Task SaveEveryWritesNumberedSnapshotsBesideTheOutput()
    {
        var output = _out.File("OUT.png");

        var run = await StylizeRun.RunAsync(_cache.Path, [SharedFiles.Image("tubingen.jpg"), SharedFiles.Image("the_scream.jpg"),
            "-o", output, "--weights", StylizeRun.ZipWeights, .. StylizeRun.GatysLayers,
            "--size", "48", "--iterations", "5", "--save-every", "2"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        // Steps 2 and 4; the last step is the output itself, so there is no OUT_0005.png.
        Assert.Equal(["OUT.png", "OUT_0002.png", "OUT_0004.png"], _out.Entries().Order(StringComparer.Ordinal));
        var size = StylizeRun.PngSize(output);
        Assert.Equal(size, StylizeRun.PngSize(_out.File("OUT_0002.png")));
        Assert.Equal(size, StylizeRun.PngSize(_out.File("OUT_0004.png")));
        // Snapshots of different moments, not copies of one image.
        Assert.NotEqual(await File.ReadAllBytesAsync(_out.File("OUT_0002.png")), await File.ReadAllBytesAsync(_out.File("OUT_0004.png")));
    }

    [SkippableFact]
    public async Task TerminationSignalStopsAfterTheCurrentStepAndSavesTheImageSoFar()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "needs POSIX signals");
        var output = _out.File("out.png");
        var log = _out.File("loss.jsonl");

        // SIGTERM, not SIGINT: a shell that starts the test run in the background makes its children
        // ignore SIGINT; both go through the same cancellation in the product.
        var run = await StylizeRun.RunAsync(_cache.Path, [SharedFiles.Image("tubingen.jpg"), SharedFiles.Image("starry_night.jpg"),
            "-o", output, "--preset", "seed", "--weights", StylizeRun.ZipWeights, .. StylizeRun.SeedLayers,
            "--size", "96", "--iterations", "2000", "--log-json", log], async process =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            // The log is renamed into place at the end; while the run works it grows in our temporary beside it.
            int LiveLines() => Directory.GetFiles(_out.Path, ".neural-style-*.tmp").Select(CountLines).DefaultIfEmpty(0).Max();
            while (LiveLines() < 3 && !process.HasExited && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            Assert.False(process.HasExited, "the run ended before it could be interrupted");
            CliProcess.Signal(process, CliProcess.Sigterm);
        });

        Assert.Equal(143, run.ExitCode); // 128 + SIGTERM
        Assert.Equal(96, Math.Max(StylizeRun.PngSize(output).Width, StylizeRun.PngSize(output).Height));
        var steps = StylizeRun.ReadLog(log).Count;
        Assert.InRange(steps, 3, 1999);
        Assert.Equal(
            ["neural-style: stopping after this step, then saving the image so far",
             $"neural-style: interrupted after {steps} steps; saved the image so far to {output}"],
            run.StderrLines);
        Assert.Equal(["loss.jsonl", "out.png"], _out.Entries().Order());
    }

    [SkippableFact]
    public async Task WithoutVgg19WeightsItSaysHowToGetThem()
    {
        var output = _out.File("out.png");

        // --model vgg19, no --weights and an empty cache (StylizeRun always points the cache at _cache).
        var run = await StylizeRun.RunAsync(_cache.Path, [SharedFiles.Image("tubingen.jpg"), SharedFiles.Image("starry_night.jpg"),
            "-o", output, .. StylizeRun.GatysLayers, "--model", "vgg19", "--size", "48", "--iterations", "2"]);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("neural-style: error: ", line);
        Assert.Contains("neural-style models download vgg19", line);
        Assert.Contains("--weights", line);
        Assert.Empty(_out.Entries());
    }

    [Fact]
    public async Task HelpStillWorksAfterParseErrorsWereMadeOneLine()
    {
        var run = await CliProcess.RunAsync(["stylize", "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Contains("--output", run.Stdout);
        Assert.Contains("--log-json", run.Stdout);
    }

    private static int CountLines(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd().Count(c => c == '\n');
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}
