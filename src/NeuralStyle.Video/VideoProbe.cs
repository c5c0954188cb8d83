using System.Text.Json;

namespace NeuralStyle.Video;

/// <summary>Reads a video's frame size, frame rate, frame count and audio with ffprobe, before any work starts.</summary>
public static partial class VideoProbe
{
    /// <summary>Formats ffmpeg reads still images with: an image is not a video here (one frame, no rate).</summary>
    private static readonly string[] ImageFormats = ["image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "gif", "tiff_pipe"];

    public static VideoInfo Read(string path)
    {
        var probe = FfmpegTool.Ffprobe;
        var (code, output, error) = FfmpegTool.Run(probe,
            ["-v", "error", "-show_entries", "stream=codec_type,width,height,r_frame_rate,avg_frame_rate,nb_frames:format=format_name",
             "-of", "json", path]);
        if (code != 0) throw NotAVideo(path, FfmpegTool.LastLine(error));

        // ffprobe's output is read as untrusted text (another program on PATH, another version): every field is checked.
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(output);
        }
        catch (JsonException)
        {
            throw NotAVideo(path, $"ffprobe ({probe}) printed no JSON: '{UserMessage.Excerpt(output.Trim(), 80)}'");
        }
        using var _ = json;
        if (json.RootElement.ValueKind != JsonValueKind.Object) throw NotAVideo(path, $"ffprobe ({probe}) printed JSON without streams");
        var streams = json.RootElement.TryGetProperty("streams", out var s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).ToList() : [];
        var format = json.RootElement.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.Object && Text(f, "format_name") is { } name ? name : "";
        var video = streams.FirstOrDefault(e => Text(e, "codec_type") == "video");
        if (video.ValueKind != JsonValueKind.Object || format.Split(',').Any(ImageFormats.Contains))
            throw NotAVideo(path, "it has no video stream");
        if (Side(video, "width") is not { } width || Side(video, "height") is not { } height)
            throw NotAVideo(path, "ffprobe gives its video stream no frame size");
        // r_frame_rate is the stream's base rate; a variable-rate file's average is the better guess when they differ.
        var rate = Text(video, "r_frame_rate") is { } r && r != "0/0" ? r : Text(video, "avg_frame_rate") ?? "0/0";
        if (rate == "0/0") throw NotAVideo(path, "ffprobe finds no frame rate");
        if (!FrameRate().IsMatch(rate) || new VideoInfo(width, height, rate, 1, false).FramesPerSecond is not (> 0 and < 10_000))
            throw NotAVideo(path, $"ffprobe gives the frame rate '{UserMessage.Excerpt(rate, 40)}'");
        var frames = int.TryParse(Text(video, "nb_frames"), out var n) && n > 0 ? n : CountFrames(probe, path);
        return new VideoInfo(width, height, rate, frames, streams.Any(e => Text(e, "codec_type") == "audio"));
    }

    /// <summary>Decodes the stream to count its frames, for containers that do not record the number (e.g. Matroska).</summary>
    private static int CountFrames(string probe, string path)
    {
        var (code, output, error) = FfmpegTool.Run(probe,
            ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path]);
        if (code != 0 || !int.TryParse(output.Trim().Split('\n')[0].Trim(','), out var frames) || frames < 1)
            throw NotAVideo(path, code != 0 ? FfmpegTool.LastLine(error) : "it has no frames");
        return frames;
    }

    /// <summary>A width or height: a whole, positive number of pixels (no video is 100,000 px wide).</summary>
    private static int? Side(JsonElement stream, string property) =>
        stream.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var side)
        && side is > 0 and <= 100_000 ? side : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{1,9}(/[1-9]\d{0,8})?$")]
    private static partial System.Text.RegularExpressions.Regex FrameRate();

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString() : null;

    private static NeuralStyleException NotAVideo(string path, string why) => new($"'{path}' is not a video ffmpeg can read: {UserMessage.Clause(why)}");
}
