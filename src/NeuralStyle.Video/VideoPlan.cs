using NeuralStyle.Imaging;
using NeuralStyle.Transfer;

namespace NeuralStyle.Video;

/// <summary>What a video run will do, worked out before any frame is stylised: the input's facts (ffprobe), the working
/// size, the settings of the first and of later frames, and the manifest a checkpoint folder must match.</summary>
public sealed record VideoPlan(VideoInfo Info, FrameGeometry Size, StyleTransferSettings FirstFrame, StyleTransferSettings LaterFrames)
{
    public int FrameIterations => LaterFrames.Iterations;

    public static VideoPlan Make(VideoJob job)
    {
        var info = VideoProbe.Read(job.Input);
        var size = FrameGeometry.For(info, job.Settings.Size);
        var (first, _) = FrameStylizer.SettingsFor(job.Settings, size, 1);
        // Later frames start from the previous result, nearly done: half the first frame's steps (Ruder et al. used
        // fewer iterations after the first frame too), at least one.
        var frameIterations = job.FrameIterations ?? Math.Max(1, FrameStylizer.FirstFrameSteps(first) / 2);
        if (frameIterations < 1) throw new SettingException("FrameIterations", "must be ≥ 1");
        var (_, later) = FrameStylizer.SettingsFor(job.Settings, size, frameIterations);
        return new VideoPlan(info, size, first, later);
    }

    public VideoManifest Manifest(VideoJob job) => new()
    {
        InputPath = Path.GetFullPath(job.Input),
        InputSha256 = Sha256Of(job.Input),
        StylePaths = job.Styles.Select(Path.GetFullPath).ToList(),
        StyleSha256 = job.Styles.Select(Sha256Of).ToList(),
        StyleBlend = job.StyleBlend,
        FirstFrameSettings = VideoManifest.Describe(FirstFrame),
        LaterFrameSettings = VideoManifest.Describe(LaterFrames) + (job.Temporal ? " temporal" : " frame-by-frame"),
        Width = Size.Width,
        Height = Size.Height,
        FrameRate = Info.FrameRate,
        FrameCount = Info.FrameCount,
    };

    private static string Sha256Of(string path)
    {
        using var source = ImageSource.FromFile(path);
        return source.Sha256();
    }
}
