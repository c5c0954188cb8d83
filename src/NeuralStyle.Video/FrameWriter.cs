using NeuralStyle.Imaging;

namespace NeuralStyle.Video;

/// <summary>
/// Encodes a folder of stylised frames (<see cref="FrameFiles"/>) into the output video with ffmpeg: H.264 (libx264,
/// yuv420p, which every player reads), the input's frame rate, and the input's audio copied unchanged (re-encoded as
/// AAC only when the container cannot hold it as it is). Written atomically: a temporary file renamed into place.
/// </summary>
public static class FrameWriter
{
    /// <summary>The containers the output may be, by extension, with ffmpeg's muxer name (the temporary file has no
    /// telling extension, so the muxer is named).</summary>
    private static readonly Dictionary<string, string> Muxers = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp4"] = "mp4", [".m4v"] = "mp4", [".mov"] = "mov", [".mkv"] = "matroska",
    };

    /// <summary>A one-line error unless <paramref name="path"/> names a container we write.</summary>
    public static void CheckExtension(string path)
    {
        if (!Muxers.ContainsKey(Path.GetExtension(path)))
            throw new NeuralStyleException($"-o '{path}' must be a .mp4, .m4v, .mov or .mkv file");
    }

    public static void Write(string framesFolder, VideoInfo input, string inputPath, string output)
    {
        CheckExtension(output);
        var muxer = Muxers[Path.GetExtension(output)];
        using var pending = AtomicFile.Begin(output);
        var (code, error) = Encode(framesFolder, input, inputPath, pending.TemporaryPath, muxer, "copy");
        // Copying fails when the container cannot carry the audio codec (e.g. PCM in MP4): then AAC.
        if (code != 0 && input.HasAudio) (code, error) = Encode(framesFolder, input, inputPath, pending.TemporaryPath, muxer, "aac");
        if (code != 0) throw new NeuralStyleException($"ffmpeg could not encode '{output}': {FfmpegTool.LastLine(error)}");
        pending.Commit();
    }

    private static (int Code, string Error) Encode(string framesFolder, VideoInfo input, string inputPath, string target, string muxer, string audioCodec)
    {
        var args = new List<string>
        {
            "-v", "error", "-nostdin", "-y",
            "-framerate", input.FrameRate, "-i", Path.Combine(framesFolder, FrameFiles.Pattern),
        };
        if (input.HasAudio) args.AddRange(["-i", inputPath, "-map", "0:v:0", "-map", "1:a:0", "-c:a", audioCodec]);
        args.AddRange([
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18",
            // Constant rate: every frame once, at the input's rate.
            "-r", input.FrameRate, "-f", muxer, target,
        ]);
        var (code, _, error) = FfmpegTool.Run(FfmpegTool.Ffmpeg, args);
        return (code, error);
    }

}
