using NeuralStyle.Tests.Cli;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Tiling;

/// <summary>The command's side of tiles: it says how a tiled scale fits memory, before the first step, and writes the image.</summary>
public sealed class TileCommandTests : IDisposable
{
    private readonly TempFolder _out = new();
    private readonly TempFolder _cache = new();

    public void Dispose()
    {
        _out.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public async Task ATiledRunSaysHowItFitsAndWritesTheImage()
    {
        var examples = Path.Combine(SharedFiles.RepoRoot, "examples");
        var output = _out.File("tiled.png");
        var run = await StylizeRun.RunAsync(_cache.Path, [Path.Combine(examples, "coffee.png"), Path.Combine(examples, "starry_night.jpg"),
            "-o", output, "--size", "160", "--scale-iterations", "3,2", "--tile", "96", "--max-memory", "3GiB"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        // Scale 1 (80 px) fits one tile and runs whole, so only scale 2 is named: 160×107 px in 2×2 tiles, with the
        // 12 px halo of the default network, which stops at relu3_1.
        var memory = run.Stdout.Split('\n').Where(l => l.StartsWith("neural-style: memory: ")).ToList();
        Assert.Equal(["neural-style: memory: 160×107 px: 2×2 tiles of up to 96 px (+12 px halo), L-BFGS history 100; about"],
            memory.Select(l => l[..l.IndexOf(" about", StringComparison.Ordinal)] + " about"));
        Assert.Contains("of a 3.0 GiB budget", memory[0]);
        Assert.Equal((160, 107), StylizeRun.PngSize(output));
    }
}
