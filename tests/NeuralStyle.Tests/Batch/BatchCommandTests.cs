using NeuralStyle.Tests.Server;
using NeuralStyle.Tests.Support;
using SkiaSharp;

namespace NeuralStyle.Tests.Batch;

/// <summary><c>neural-style batch</c> as a user runs it (the real tool in a child process, real images, tiny sizes).</summary>
public class BatchCommandTests
{
    private static readonly string Examples = Path.Combine(SharedFiles.RepoRoot, "examples");

    /// <summary>A folder of three photos and one of two paintings, copied from examples/.</summary>
    private static (string Photos, string Paintings) Inputs(TempFolder folder, bool withCorruptPhoto = false)
    {
        var photos = Directory.CreateDirectory(folder.Combine("photos")).FullName;
        var paintings = Directory.CreateDirectory(folder.Combine("paintings")).FullName;
        foreach (var name in new[] { "chelsea.png", "coffee.png", "astronaut.png" }) File.Copy(Path.Combine(Examples, name), Path.Combine(photos, name));
        foreach (var name in new[] { "starry_night.jpg", "scream.jpg" }) File.Copy(Path.Combine(Examples, name), Path.Combine(paintings, name));
        File.WriteAllText(Path.Combine(photos, "notes.txt"), "not an image, and not taken from a folder: no image extension");
        if (withCorruptPhoto) File.WriteAllBytes(Path.Combine(photos, "broken.jpg"), File.ReadAllBytes(Path.Combine(Examples, "scream.jpg"))[..5000]);
        return (photos, paintings);
    }

    private static readonly string[] Tiny = ["--size", "64", "--model", "resnet18", "--iterations", "4"];

    private static readonly string[] Six =
    [
        "astronaut__scream.png", "astronaut__starry_night.png", "chelsea__scream.png", "chelsea__starry_night.png",
        "coffee__scream.png", "coffee__starry_night.png",
    ];

    private static string[] Results(string folder) => Directory.GetFiles(folder, "*__*.png").Select(f => Path.GetFileName(f)).Order().ToArray();

    [Fact]
    public async Task ThreePhotosTimesTwoPaintingsMakeSixAndARerunSkipsThemAll()
    {
        using var folder = new TempFolder();
        var (photos, paintings) = Inputs(folder);
        var output = folder.Combine("out");
        var run = await CliProcess.RunAsync(["batch", photos, "--styles", paintings, "-o", output, .. Tiny]);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("batch: 6 done, 0 skipped (already there), 0 failed", run.Stdout);
        var made = Results(output);
        Assert.Equal(Six, made);
        foreach (var file in made)
        {
            using var image = SKBitmap.Decode(Path.Combine(output, file));
            Assert.Equal(64, Math.Max(image.Width, image.Height));
        }
        var index = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.All(Six, name => Assert.Contains($"src=\"{name}\"", index));
        using (var sheet = SKBitmap.Decode(Path.Combine(output, "contact_sheet.png")))
            Assert.True(sheet.Height > sheet.Width, $"{sheet.Width}×{sheet.Height}: three rows of two"); // photos down, paintings across
        var written = made.ToDictionary(f => f, f => File.GetLastWriteTimeUtc(Path.Combine(output, f)));

        var again = await CliProcess.RunAsync(["batch", photos, "--styles", paintings, "-o", output, .. Tiny]);
        Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
        Assert.Contains("batch: 0 done, 6 skipped (already there), 0 failed", again.Stdout);
        foreach (var (file, time) in written) Assert.Equal(time, File.GetLastWriteTimeUtc(Path.Combine(output, file)));
        Assert.DoesNotContain(Directory.GetFiles(output), f => Path.GetFileName(f).StartsWith('.')); // no temporaries left
    }

    [Fact]
    public async Task ACorruptPhotoIsReportedAndTheOtherPicturesAreMade()
    {
        using var folder = new TempFolder();
        var (photos, paintings) = Inputs(folder, withCorruptPhoto: true);
        var output = folder.Combine("out");
        var run = await CliProcess.RunAsync(["batch", photos, "--styles", paintings, "-o", output, .. Tiny]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("batch: 6 done, 0 skipped (already there), 2 failed", run.Stdout);
        Assert.Contains(run.StderrLines, l => l.StartsWith("neural-style: failed: broken.jpg × scream.jpg:"));
        Assert.Contains(run.StderrLines, l => l.StartsWith("neural-style: failed: broken.jpg × starry_night.jpg:"));
        Assert.Equal(Six, Results(output));
        Assert.Contains("broken.jpg × scream.jpg: ", System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(output, "index.html"))));
    }

    [Fact]
    public async Task PairsFromACsvFileMakeOnlyThosePictures()
    {
        using var folder = new TempFolder();
        Inputs(folder);
        var csv = folder.File("pairs.csv");
        File.WriteAllText(csv, "photo,painting\nphotos/chelsea.png,paintings/scream.jpg\n# a comment\n\nphotos/coffee.png,paintings/starry_night.jpg\n");
        var output = folder.Combine("out");
        var run = await CliProcess.RunAsync(["batch", "--pairs", csv, "-o", output, .. Tiny]);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Equal(["chelsea__scream.png", "coffee__starry_night.png"], Results(output));
    }

    [Theory]
    [InlineData("missing-photo", "photo 'MISSING' does not exist")]
    [InlineData("output-is-file", "is a file; give a folder for the results")]
    [InlineData("no-styles", "give at least one painting with --styles")]
    [InlineData("clash", "would both be written to")]
    [InlineData("database-option", "--style-weight is not available with --database")]
    public async Task MistakesAreOneLineBeforeAnyWork(string mistake, string message)
    {
        using var folder = new TempFolder();
        var (photos, paintings) = Inputs(folder);
        var output = folder.Combine("out");
        string[] args = mistake switch
        {
            "missing-photo" => ["batch", folder.File("MISSING"), "--styles", paintings, "-o", output],
            "output-is-file" => ["batch", photos, "--styles", paintings, "-o", Path.Combine(photos, "chelsea.png")],
            "no-styles" => ["batch", photos, "-o", output],
            "clash" => ["batch", photos, Clash(folder), "--styles", paintings, "-o", output],
            _ => ["batch", photos, "--styles", paintings, "-o", output, "--database", "postgres://u@127.0.0.1:1/x", "--style-weight", "5"],
        };
        var run = await CliProcess.RunAsync(args);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Single(run.StderrLines);
        Assert.Contains(message.Replace("MISSING", folder.File("MISSING")), run.StderrLines[0]);
        Assert.False(Directory.Exists(output) && Directory.GetFiles(output).Length > 0, "nothing is written before the checks pass");
    }

    /// <summary>A second chelsea.png in another folder: its result would have the same name.</summary>
    private static string Clash(TempFolder folder)
    {
        var other = Directory.CreateDirectory(folder.Combine("more")).FullName;
        File.Copy(Path.Combine(Examples, "chelsea.png"), Path.Combine(other, "chelsea.png"));
        return Path.Combine(other, "chelsea.png");
    }
}

/// <summary><c>batch --database</c>: the items run as jobs on two real workers over a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DistributedBatchTests(PostgresFixture postgres)
{
    [SkippableFact]
    public async Task TwoWorkersShareABatchOfSix()
    {
        var database = postgres.Server.CreateDatabase("batch6");
        await using var first = WorkerProcess.Start(database, "--threads", "1");
        await using var second = WorkerProcess.Start(database, "--threads", "1");
        await first.WaitReadyAsync();
        await second.WaitReadyAsync();

        using var folder = new TempFolder();
        var examples = Path.Combine(SharedFiles.RepoRoot, "examples");
        var output = folder.Combine("out");
        string[] photos = [.. new[] { "chelsea.png", "coffee.png", "astronaut.png" }.Select(n => Path.Combine(examples, n))];
        var run = await CliProcess.RunAsync(["batch", .. photos, "--styles", Path.Combine(examples, "starry_night.jpg"), Path.Combine(examples, "scream.jpg"),
            "-o", output, "--database", database, "--size", "64", "--model", "resnet18", "--iterations", "20"], timeout: TimeSpan.FromMinutes(15));
        Assert.True(run.ExitCode == 0, $"{run.Stdout}\n{run.Stderr}\n--- worker 1:\n{first.Output}\n--- worker 2:\n{second.Output}");
        Assert.Contains("batch: 6 done, 0 skipped (already there), 0 failed", run.Stdout);
        Assert.Equal(6, Directory.GetFiles(output, "*__*.png").Length);
        var wrote = run.Stdout.Split('\n').Where(l => l.Contains(": wrote ")).ToList();
        Assert.Equal(6, wrote.Count);
        Assert.Contains(wrote, l => first.Holds(WorkerOf(l)));
        Assert.Contains(wrote, l => second.Holds(WorkerOf(l)));
    }

    /// <summary>"… (3.1 s on worker machine:pid:suffix/holder)" → the worker.</summary>
    private static string WorkerOf(string line) => line[(line.LastIndexOf("on worker ", StringComparison.Ordinal) + "on worker ".Length)..].TrimEnd(')', '\r');
}
