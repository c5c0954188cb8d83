using System.Diagnostics;
using NeuralStyle.Imaging;
using NeuralStyle.Transfer;
using static TorchSharp.torch;

namespace NeuralStyle.Video;

/// <summary>
/// <c>neural-style video</c>: decode the input's frames at the working size, stylise them in order
/// (<see cref="FrameStylizer"/>; the flow between consecutive original frames from <see cref="FrameMotion"/>), keep
/// each finished frame as a PNG (in the checkpoint folder, or a temporary one that is removed), then encode them into
/// the output with the input's frame rate and audio (<see cref="FrameWriter"/>).
/// </summary>
public static class VideoStylizer
{
    /// <returns>True when the video was written; false when cancelled (finished frames stay in a checkpoint folder).</returns>
    public static bool Run(VideoJob job, VideoPlan plan, IProgress<VideoFrameReport>? frames = null, IProgress<IterationReport>? steps = null,
        CancellationToken cancellation = default)
    {
        var temporary = job.CheckpointFolder is null;
        using var work = temporary ? VideoWorkFolder.Create() : null;
        var folder = work?.Path ?? Path.GetFullPath(job.CheckpointFolder!);
        Tensor? previousStylised = null;
        try
        {
            var done = temporary ? 0 : VideoCheckpoint.Open(job.CheckpointFolder!, plan.Manifest(job));
            using var stylizer = new FrameStylizer(plan.FirstFrame, plan.LaterFrames, job.Styles, job.StyleBlend, job.Temporal);
            RgbFrame? previousFrame = null;
            var index = 0;
            foreach (var frame in FrameReader.Read(job.Input, plan.Size, cancellation))
            {
                if (index < done)
                {
                    // Finished before: only the last of them is needed, as the start of the next.
                    if (index == done - 1) previousStylised = FrameFiles.Load(folder, index, plan.Size);
                    frames?.Report(new VideoFrameReport(index, plan.Info.FrameCount, true, 0, 0, null));
                }
                else
                {
                    if (cancellation.IsCancellationRequested) return false;
                    var clock = Stopwatch.StartNew();
                    using var motion = previousFrame is null ? null : FrameMotion.Between(previousFrame, frame);
                    using var image = stylizer.Stylize(frame, previousStylised, motion, steps, cancellation);
                    if (image is null) return false;
                    var path = FrameFiles.PathOf(folder, index);
                    ImageSaver.Save(image, path);
                    // The next frame starts from the 8-bit frame as saved, exactly what a resumed run would read back.
                    previousStylised?.Dispose();
                    previousStylised = ImageLoader.Load(path);
                    frames?.Report(new VideoFrameReport(index, plan.Info.FrameCount, false,
                        index == 0 ? FrameStylizer.FirstFrameSteps(plan.FirstFrame) : plan.FrameIterations, clock.Elapsed.TotalSeconds, motion?.ReliableShare));
                }
                previousFrame = frame;
                index++;
            }
            if (cancellation.IsCancellationRequested) return false;
            if (index == 0) throw new NeuralStyleException($"'{job.Input}' has no frames ffmpeg can decode");
            FrameWriter.Write(folder, plan.Info, job.Input, job.Output);
            return true;
        }
        finally
        {
            previousStylised?.Dispose();
        }
    }
}
