using System.Text.Json;
using NeuralStyle.Tests.Support;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Cli;

/// <summary><c>neural-style-bench quality</c> for real, small: two pairs from examples/, two candidates of five steps at 64 px.</summary>
public sealed class BenchQualityTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly TempFolder _cache = new();

    public void Dispose()
    {
        _dir.Dispose();
        _cache.Dispose();
    }

    private Task<CliRun> BenchAsync(params string[] args) =>
        CliProcess.RunAsync(["quality", .. args], new Dictionary<string, string> { ["NEURAL_STYLE_CACHE"] = _cache.Path },
            program: CliProcess.Bench);

    /// <summary>A candidate's --content-mask reaches the run: an all-white mask with a large weight keeps the photo
    /// (lower content distance than the same settings without it), and 'faces' looks in each pair's photo. Adam, because
    /// eight L-BFGS evaluations at 64 px in fp32 barely leave the photo (content 0.007), so the plain run is no yardstick
    /// there (it failed on an AVX2-only CPU); Adam's steps are the same size in fp32 and bf16 (0.096 vs 0.141 in both).</summary>
    [Fact]
    public async Task ACandidatesContentMaskReachesItsRuns()
    {
        var (output, white) = (_dir.File("out"), _dir.File("white.png"));
        using (var bitmap = new SkiaSharp.SKBitmap(8, 8))
        {
            bitmap.Erase(SkiaSharp.SKColors.White);
            File.WriteAllBytes(white, NeuralStyle.Tests.Imaging.TestPictures.EncodePng(bitmap));
        }
        var run = await BenchAsync("--size", "64", "--threads", "1", "--images", Examples, "--pair", "chelsea:starry_night",
            "--candidate", "plain=--iterations 8 --scales 1 --optimizer adam",
            "--candidate", $"masked=--iterations 8 --scales 1 --optimizer adam --content-mask {white} --content-mask-weight 50",
            "--candidate", "faces=--iterations 8 --scales 1 --content-mask faces", "--out", output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("--content-mask faces: no face found in chelsea", run.Stdout + run.Stderr);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "quality.json")));
        var content = json.RootElement.GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("candidate").GetString()!, r => r.GetProperty("vgg").GetProperty("content").GetDouble());
        Assert.True(content["masked"] < 0.9 * content["plain"], $"masked {content["masked"]:F4} vs plain {content["plain"]:F4}");
    }

    [Fact]
    public async Task WritesTableScoresImagesGridAndBlindSheets()
    {
        var (output, blind) = (_dir.File("out"), _dir.File("blind"));
        var run = await BenchAsync("--size", "64", "--threads", "1", "--images", Examples,
            "--pair", "chelsea:starry_night", "--pair", "chelsea:scream",
            "--candidate", "a=--iterations 5 --scales 1", "--candidate", "b=--model resnet18 --iterations 5 --scales 1",
            "--out", output, "--blind-sheets", blind);
        Assert.True(run.ExitCode == 0, run.Stderr);

        foreach (var file in new[] { "quality.md", "quality.json", "grid.png",
                     "chelsea-starry_night-a.png", "chelsea-starry_night-b.png", "chelsea-scream-a.png", "chelsea-scream-b.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is missing");

        var table = File.ReadAllText(Path.Combine(output, "quality.md"));
        foreach (var row in new[] { "| chelsea × starry_night | a |", "| chelsea × starry_night | b |", "| chelsea × scream | a |",
                     "| chelsea × scream | b |", "| **mean of 2** | **a** |", "| **mean of 2** | **b** |" })
        {
            Assert.Contains(row, table);
            Assert.Contains(row, run.Stdout);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "quality.json")));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        foreach (var row in rows)
        {
            Assert.True(row.GetProperty("seconds").GetDouble() > 0);
            foreach (var network in new[] { "vgg", "resnet" })
            foreach (var score in new[] { "style", "content" })
            {
                var value = row.GetProperty(network).GetProperty(score).GetDouble();
                Assert.True(double.IsFinite(value) && value > 0, $"{row.GetProperty("pair")} {row.GetProperty("candidate")} {network} {score} = {value}");
            }
            Assert.Equal(3, row.GetProperty("vgg").GetProperty("styleLayers").EnumerateObject().Count());
            Assert.Equal(5, row.GetProperty("resnet").GetProperty("styleLayers").EnumerateObject().Count());
        }

        // Cells 256 high; chelsea 451×300 → 385 wide (and every result column with it), starry_night 752×600 → 321,
        // scream 352×448 → 201, so the painting column is 321. Width 8 + (385+8) + (321+8) + 2·(385+8) = 1516;
        // height: 8 + 24 (headings) + 2 rows · (256 + 24 + 8) = 608.
        Assert.Equal((1516, 608), StylizeRun.PngSize(Path.Combine(output, "grid.png")));

        using var key = JsonDocument.Parse(File.ReadAllText(Path.Combine(blind, "key.json")));
        var sheets = key.RootElement.GetProperty("pairs").EnumerateArray().ToList();
        Assert.Equal(["chelsea-starry_night", "chelsea-scream"], sheets.Select(s => s.GetProperty("pair").GetString()));
        foreach (var sheet in sheets)
        {
            var letters = sheet.GetProperty("letters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            Assert.Equal(["A", "B"], letters.Keys.Order());
            Assert.Equal(["a", "b"], letters.Values.Order());
            // photo, painting and two results at the photo's size, in one row, labelled underneath.
            var (width, height) = StylizeRun.PngSize(Path.Combine(blind, sheet.GetProperty("sheet").GetString()!));
            Assert.Equal(296, height);
            Assert.Equal(sheet.GetProperty("pair").GetString() == "chelsea-scream" ? 8 + 393 + 209 + 2 * 393 : 1516, width);
        }
    }

    [Fact]
    public async Task AMissingImageIsOneLine()
    {
        var run = await BenchAsync("--images", Examples, "--pair", "chelsea:nope", "--out", _dir.File("out"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"neural-style: error: --pair chelsea:nope: no image 'nope' in {Examples} (give a path, or the folders with --images)"],
            run.StderrLines);
        Assert.False(Directory.Exists(_dir.File("out")));
    }

    [Fact]
    public async Task ACandidateIsReadByStylizesParser()
    {
        var run = await BenchAsync("--images", Examples, "--pair", "chelsea:scream", "--candidate", "x=--style-weight lots");
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.StderrLines);
        Assert.StartsWith("neural-style: error: --candidate x: ", run.StderrLines[0]);
        Assert.Contains("lots", run.StderrLines[0]);
    }
}
