using System.Diagnostics;
using NeuralStyle.Transfer;
using static TorchSharp.torch;

namespace NeuralStyle.Video;

/// <summary>The flicker of one clip stylised twice with the same steps per frame: frame by frame, and with temporal
/// consistency.</summary>
/// <param name="FrameByFrame">Flicker (0–255, <see cref="FlickerMetric"/>) of every frame stylised on its own from its photo.</param>
/// <param name="Temporal">Flicker of the temporally consistent run.</param>
/// <param name="ReliableShare">Mean share of pixels inside the consistency mask (what the metric averages over).</param>
public sealed record FlickerResult(int Frames, int Width, int Height, int Iterations, double FrameByFrame, double Temporal,
    double ReliableShare, double FrameByFrameSeconds, double TemporalSeconds)
{
    public double Ratio => Temporal / FrameByFrame;
}

/// <summary>
/// The measurement behind <c>neural-style-bench video-flicker</c> and the video test: decode a clip, compute the flow
/// and masks once on the original frames, stylise it frame by frame and with temporal consistency (every frame, the
/// first included, gets the same single-scale steps), and measure both with the same <see cref="FlickerMetric"/>.
/// </summary>
public static class FlickerComparison
{
    /// <param name="settings">Resolved settings; Size is the frames' longest side, Iterations the steps of every frame.</param>
    /// <param name="frameLimit">Use only the first frames (null = all).</param>
    /// <param name="keep">Receives both runs' stylised frames (e.g. for a frame strip) before they are disposed.</param>
    public static FlickerResult Measure(string video, string painting, StyleTransferSettings settings, int? frameLimit = null,
        Action<IReadOnlyList<Tensor> /*frame by frame*/, IReadOnlyList<Tensor> /*temporal*/>? keep = null, Action<string>? log = null)
    {
        var info = VideoProbe.Read(video);
        var size = FrameGeometry.For(info, settings.Size);
        var frames = FrameReader.Read(video, size).Take(frameLimit ?? int.MaxValue).ToList();
        if (frames.Count < 2) throw new NeuralStyleException($"'{video}' needs at least two frames to measure flicker");
        var (_, perFrame) = FrameStylizer.SettingsFor(settings, size, settings.Iterations);
        var motions = new List<FrameMotion?> { null };
        var independent = new List<Tensor>();
        var temporal = new List<Tensor>();
        try
        {
            for (var i = 1; i < frames.Count; i++) motions.Add(FrameMotion.Between(frames[i - 1], frames[i]));
            var frameByFrameSeconds = Stylize(frames, motions, perFrame, painting, temporal: false, independent, log);
            var temporalSeconds = Stylize(frames, motions, perFrame, painting, temporal: true, temporal, log);
            keep?.Invoke(independent, temporal);
            return new FlickerResult(frames.Count, size.Width, size.Height, perFrame.Iterations,
                FlickerMetric.Of(independent, motions), FlickerMetric.Of(temporal, motions),
                motions.Skip(1).Average(m => m!.ReliableShare), frameByFrameSeconds, temporalSeconds);
        }
        finally
        {
            foreach (var t in independent.Concat(temporal)) t.Dispose();
            foreach (var m in motions) m?.Dispose();
        }
    }

    private static double Stylize(List<RgbFrame> frames, List<FrameMotion?> motions, StyleTransferSettings settings, string painting,
        bool temporal, List<Tensor> results, Action<string>? log)
    {
        var clock = Stopwatch.StartNew();
        using var stylizer = new FrameStylizer(settings, settings, [painting], null, temporal);
        for (var i = 0; i < frames.Count; i++)
        {
            // As the video command does: the next frame starts from the 8-bit frame (what a PNG holds).
            var image = stylizer.Stylize(frames[i], i == 0 ? null : results[i - 1], motions[i])!;
            using (image) results.Add(RgbFrame.FromTensor(image).ToTensor());
            log?.Invoke($"{(temporal ? "temporal" : "frame by frame")}: frame {i + 1}/{frames.Count}");
        }
        return clock.Elapsed.TotalSeconds;
    }
}
