using System.Text.Json;
using System.Text.Json.Serialization;
using NeuralStyle.Transfer;

namespace NeuralStyle.Video;

/// <summary>
/// What a video checkpoint folder was made from: the input video's and the paintings' SHA-256, the settings and the
/// frame size and rate. A rerun may reuse the folder's finished frames only when all of these are the same.
/// The files' paths are recorded for people reading it, but do not count (a moved file is the same input).
/// </summary>
public sealed record VideoManifest
{
    public const int CurrentVersion = 1;
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Format { get; init; } = "neural-style video checkpoint";
    public int Version { get; init; } = CurrentVersion;
    public string InputPath { get; init; } = "";
    public string InputSha256 { get; init; } = "";
    public IReadOnlyList<string> StylePaths { get; init; } = [];
    public IReadOnlyList<string> StyleSha256 { get; init; } = [];
    public IReadOnlyList<double>? StyleBlend { get; init; }
    /// <summary>The first frame's settings, as JSON, without those that do not change the frames' pixels
    /// beyond float rounding (threads, the memory budget).</summary>
    public string FirstFrameSettings { get; init; } = "";
    public string LaterFrameSettings { get; init; } = "";
    public int Width { get; init; }
    public int Height { get; init; }
    public string FrameRate { get; init; } = "";
    public int FrameCount { get; init; }

    public static string Describe(StyleTransferSettings settings) =>
        JsonSerializer.Serialize(settings with { Threads = 0, MaxMemoryBytes = null }, Json);

    /// <summary>The fields that must agree for frames to be reused (everything but the paths).</summary>
    public string Identity() => JsonSerializer.Serialize(this with { InputPath = "", StylePaths = [] }, Json);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static VideoManifest? TryParse(string json)
    {
        try
        {
            // Field by field: a hand-edited manifest with a null list or a negative size is damaged, not a run to compare.
            return JsonSerializer.Deserialize<VideoManifest>(json, Json) is { } m
                   && m.Format is not null && m.InputPath is not null && m.InputSha256 is not null && m.FrameRate is not null
                   && m.StylePaths is not null && m.StyleSha256 is not null && m.StyleSha256.All(h => h is not null)
                   && m.FirstFrameSettings is not null && m.LaterFrameSettings is not null
                   && m.Width > 0 && m.Height > 0 && m.FrameCount >= 0
                   && (m.StyleBlend is null || m.StyleBlend.All(double.IsFinite))
                ? m
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
