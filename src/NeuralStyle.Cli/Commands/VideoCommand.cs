using System.CommandLine;
using System.Globalization;
using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;
using NeuralStyle.Video;

namespace NeuralStyle.Cli.Commands;

/// <summary>
/// <c>neural-style video IN.mp4 PAINTING… -o OUT.mp4 [stylize options] [--frame-iterations N] [--temporal-weight W]
/// [--checkpoint DIR]</c>: temporally consistent video stylisation (Ruder et al. 2016, see <see cref="VideoStylizer"/>).
/// The input, the paintings, the output and the checkpoint folder are checked, and the video probed, before any work.
/// </summary>
public static class VideoCommand
{
    public static Command Create()
    {
        var options = new StylizeOptions();
        var video = new Argument<string>("VIDEO") { Description = "The video to restyle (anything ffmpeg reads)." };
        var output = new Option<string>("--output", "-o") { Description = "Output video (.mp4, .m4v, .mov or .mkv): H.264, the input's frame rate and audio.", Required = true };
        var frameIterations = new Option<int?>("--frame-iterations") { Description = "Steps of each frame after the first, which starts from the previous result warped by optical flow (default: half the first frame's)." };
        var temporalWeight = new Option<double?>("--temporal-weight") { Description = $"Weight of the temporal loss that keeps each frame close to the previous one where the flow is reliable (default {StyleTransferSettings.DefaultTemporalWeight.ToString(CultureInfo.InvariantCulture)}; 0 = off)." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Keep the finished frames in this folder; the same command again resumes at the frame it was on." };
        var command = new Command("video", "Render VIDEO in the style of PAINTING, frame by frame with temporal consistency (optical flow), into --output.");
        command.Arguments.Add(video);
        command.Arguments.Add(options.Style);
        command.Options.Add(output);
        // stylize's look options mean the same for every frame, and several paintings blend; not --init (a frame starts
        // from the photo or the warped previous result) nor what names files per image (--mask-pairs, --save-every,
        // reports, stylize's checkpoint file).
        foreach (var option in options.LookOptions.Where(o => o != options.Init).Append(options.StyleBlend).Concat([frameIterations, temporalWeight, checkpoint]))
            command.Options.Add(option);
        command.SetAction((parsed, cancellation) => Task.Run(() =>
            Run(options, parsed, parsed.GetValue(video)!, parsed.GetValue(output)!, parsed.GetValue(frameIterations),
                parsed.GetValue(temporalWeight), parsed.GetValue(checkpoint), cancellation)));
        return command;
    }

    private static int Run(StylizeOptions options, ParseResult parsed, string input, string output, int? frameIterations,
        double? temporalWeight, string? checkpoint, CancellationToken cancellation)
    {
        var notices = new List<string>();
        var settings = options.ToSettings(parsed, notices.Add);
        if (temporalWeight is { } weight) settings = settings with { TemporalWeight = weight };
        settings.Validate();
        if (frameIterations is < 1) throw new NeuralStyleException("--frame-iterations must be ≥ 1");
        var styles = parsed.GetValue(options.Style)!;

        // Nothing is written, and ffmpeg is not started, before every input and output has been checked.
        var inputs = new List<PlannedInput> { new("input video", input) };
        inputs.AddRange(styles.Select(s => new PlannedInput("style image", s)));
        if (settings.WeightsPath is { } weights) inputs.Add(new PlannedInput("--weights file", weights));
        if (settings.Model.Family == ModelFamily.Onnx && settings.Model.OnnxPath is { } onnx) inputs.Add(new PlannedInput("--model ONNX file", onnx));
        FrameWriter.CheckExtension(output);
        OutputPlan.Check(inputs, [new PlannedOutput("-o", output, OutputKind.Any)]);
        if (checkpoint is not null && Path.GetFullPath(checkpoint) == Path.GetFullPath(output))
            throw new NeuralStyleException($"--checkpoint '{checkpoint}' and -o '{output}' are the same path; give the checkpoint folder its own name");
        foreach (var style in styles) ImageLoader.ReadSize(style);

        var job = new VideoJob(input, styles, options.BlendWeights(parsed), output, settings, frameIterations, checkpoint);
        var plan = VideoPlan.Make(job);
        foreach (var notice in notices) Console.WriteLine($"neural-style: {notice}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"neural-style: video {plan.Info.FrameCount} frames at {plan.Info.FramesPerSecond:0.###} fps{(plan.Info.HasAudio ? " with audio" : "")}, stylised at {plan.Size.Width}×{plan.Size.Height}; " +
            $"first frame {FrameStylizer.FirstFrameSteps(plan.FirstFrame)} steps, then {plan.FrameIterations} per frame, temporal weight {settings.TemporalWeight}"));
        Console.WriteLine($"neural-style: {StylizeOptions.Describe(plan.FirstFrame)}");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, Signals.Token);
        Signals.StopNotice = checkpoint is null
            ? "interrupted; stopping after this step, no video is written (--checkpoint DIR keeps finished frames)"
            : $"interrupted; stopping after this step; the finished frames stay in '{checkpoint}', run the same command again to resume";
        Signals.Graceful = true;
        bool finished;
        try
        {
            var frames = new Progress(plan.Info.FrameCount);
            finished = VideoStylizer.Run(job, plan, frames, null, stop.Token);
        }
        finally
        {
            Signals.Graceful = false;
        }
        if (!finished) return Signals.ExitCode;
        Console.WriteLine($"wrote {output}");
        return 0;
    }

    /// <summary>One line a frame, printed as it finishes (synchronously, so lines stay in order).</summary>
    private sealed class Progress(int frames) : IProgress<VideoFrameReport>
    {
        public void Report(VideoFrameReport r)
        {
            var line = r.Reused
                ? $"frame {r.Frame + 1}/{frames}: done before (checkpoint)"
                : string.Create(CultureInfo.InvariantCulture, $"frame {r.Frame + 1}/{frames}: {r.Steps} steps, {r.Seconds:F1} s") +
                  (r.ReliableShare is { } share ? string.Create(CultureInfo.InvariantCulture, $", flow reliable on {share:P0}") : "");
            Console.WriteLine(line);
        }
    }
}
