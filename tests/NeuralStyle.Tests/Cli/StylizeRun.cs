using System.Text.Json;
using NeuralStyle.Tests.Support;
using SkiaSharp;

namespace NeuralStyle.Tests.Cli;

/// <summary>What the <c>stylize</c> tests share: layer choices that fit the fixture weights, the child process, and readers for what it writes.</summary>
internal static class StylizeRun
{
    // The fixture weights stop at conv3_4, so no run may read a deeper layer than that.
    public static readonly string[] SeedLayers = ["--style-layers", "conv1_1=1,conv2_1=0.75,conv3_1=0.2", "--content-layer", "conv3_2"];
    public static readonly string[] GatysLayers = ["--style-layers", "relu1_1,relu2_1,relu3_1", "--content-layer", "relu3_2"];

    public static string ZipWeights => SharedFiles.Fixture("vgg19-partial-conv3_4.pth");
    public static string LegacyWeights => SharedFiles.Fixture("vgg19-partial-conv3_4-legacy.pth");

    /// <summary>Runs <c>neural-style stylize ARGS</c> with <paramref name="cache"/> as the model cache, so a
    /// model the developer happens to have downloaded can never stand in for the weights a test passes.</summary>
    public static Task<CliRun> RunAsync(string cache, IEnumerable<string> args, Func<System.Diagnostics.Process, Task>? whileRunning = null) =>
        CliProcess.RunAsync(["stylize", .. args], new Dictionary<string, string> { ["NEURAL_STYLE_CACHE"] = cache }, whileRunning);

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Width and height of a PNG, asserting first that it is one (signature and a full decode).</summary>
    public static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().StartsWith(PngSignature), $"{path} does not start with the PNG signature");
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        return (bitmap.Width, bitmap.Height);
    }

    /// <summary>Size of an input image as stored (the shared photos carry no EXIF rotation).</summary>
    public static (int Width, int Height) ImageSize(string path)
    {
        using var codec = SKCodec.Create(path);
        return (codec.Info.Width, codec.Info.Height);
    }

    public sealed record LogLine(int Step, double Content, double Style, double Tv, double Total, double Seconds);

    /// <summary>Reads a <c>--log-json</c> file; every line must be one complete JSON object with all six fields.</summary>
    public static List<LogLine> ReadLog(string path) => File.ReadAllLines(path).Select(line =>
    {
        using var json = JsonDocument.Parse(line);
        var o = json.RootElement;
        Assert.Equal(JsonValueKind.Object, o.ValueKind);
        return new LogLine(o.GetProperty("step").GetInt32(), o.GetProperty("content").GetDouble(), o.GetProperty("style").GetDouble(),
            o.GetProperty("tv").GetDouble(), o.GetProperty("total").GetDouble(), o.GetProperty("seconds").GetDouble());
    }).ToList();
}
