using System.Globalization;

namespace NeuralStyle.Video;

/// <summary>
/// Decodes a video's frames, one at a time, as raw RGB over a pipe from ffmpeg, scaled to the working size. Nothing
/// is written to disk, and only the frame being read is in memory.
/// </summary>
public static class FrameReader
{
    /// <param name="cancellation">Ends ffmpeg at once (it may hang on a broken input or device), and the frames with it.</param>
    public static IEnumerable<RgbFrame> Read(string path, FrameGeometry size, CancellationToken cancellation = default)
    {
        var args = new[]
        {
            "-v", "error", "-nostdin", "-i", path, "-map", "0:v:0",
            // Area averaging is the right filter for shrinking; every frame once, as stored (no rate conversion).
            "-vf", string.Create(CultureInfo.InvariantCulture, $"scale={size.Width}:{size.Height}:flags=area"),
            "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
        };
        using var tool = FfmpegTool.Start(FfmpegTool.Ffmpeg, args);
        using var stop = cancellation.Register(tool.Kill);
        var stream = tool.Process.StandardOutput.BaseStream;
        var frameBytes = size.Width * size.Height * 3;
        while (true)
        {
            var pixels = new byte[frameBytes];
            var read = stream.ReadAtLeast(pixels, frameBytes, throwOnEndOfStream: false);
            if (cancellation.IsCancellationRequested) yield break;
            if (read == 0) break;
            if (read < frameBytes) throw new NeuralStyleException($"ffmpeg stopped in the middle of a frame of '{path}'");
            yield return new RgbFrame(size.Width, size.Height, pixels);
        }
        if (tool.WaitForExit() != 0)
            throw new NeuralStyleException($"ffmpeg could not decode '{path}': {FfmpegTool.LastLine(tool.Error)}");
    }
}
