using System.CommandLine;
using System.Globalization;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;
using NeuralStyle.Video;

namespace NeuralStyle.Bench.Commands;

/// <summary><c>neural-style-bench video-flicker</c>: the flicker of a clip stylised frame by frame and with temporal
/// consistency, same steps per frame (<see cref="FlickerComparison"/>).</summary>
public static class BenchVideoFlickerCommand
{
    public static Command Create()
    {
        var video = new Option<string>("--video") { Description = "The clip.", DefaultValueFactory = _ => Path.Combine("..", "shared", "videos", "pedestrians-30f.mp4") };
        var style = new Option<string>("--style") { Description = "Painting.", DefaultValueFactory = _ => Path.Combine("examples", "starry_night.jpg") };
        var model = new Option<string>("--model") { Description = "Loss network (auto, resnet18, vgg19-conv3…).", DefaultValueFactory = _ => "resnet18" };
        var size = new Option<int>("--size") { Description = "Longest side of the frames in pixels.", DefaultValueFactory = _ => 128 };
        var iterations = new Option<int>("--iterations") { Description = "Steps of every frame (one scale), in both runs.", DefaultValueFactory = _ => 40 };
        var temporalWeight = new Option<double>("--temporal-weight") { Description = "Weight of the temporal loss.", DefaultValueFactory = _ => StyleTransferSettings.DefaultTemporalWeight };
        var frames = new Option<int?>("--frames") { Description = "Use only the first N frames (default: all)." };
        var strip = new Option<string?>("--strip") { Description = "Also write a frame strip (JPEG): photo, frame by frame and temporal rows." };
        var stripFrames = new Option<int>("--strip-frames") { Description = "Frames in the strip (spread over the clip).", DefaultValueFactory = _ => 4 };
        var command = new Command("video-flicker", "Stylise a clip frame by frame and with temporal consistency (same steps per frame) and print the flicker of each: " +
            "mean absolute difference (0–255) between each stylised frame and the previous one warped by the flow, inside the consistency mask.");
        foreach (var o in new Option[] { video, style, model, size, iterations, temporalWeight, frames, strip, stripFrames }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var settings = SettingsResolver.Resolve(new SettingOverrides
            {
                Model = ModelSpec.Parse(parsed.GetValue(model)!),
                Size = parsed.GetValue(size),
                Iterations = parsed.GetValue(iterations),
                Scales = 1,
            }) with { TemporalWeight = parsed.GetValue(temporalWeight) };
            settings.Validate();
            var stripPath = parsed.GetValue(strip);
            var videoPath = parsed.GetValue(video)!;
            var result = FlickerComparison.Measure(videoPath, parsed.GetValue(style)!, settings, parsed.GetValue(frames),
                stripPath is null ? null : (independent, temporal) => FrameStrip.Save(stripPath, videoPath, settings.Size, independent, temporal, parsed.GetValue(stripFrames)),
                Console.Error.WriteLine);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"video-flicker: {result.Frames} frames at {result.Width}×{result.Height}, {settings.Model}, {result.Iterations} steps/frame, temporal weight {settings.TemporalWeight}, {result.ReliableShare:P0} of pixels inside the mask"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"frame-by-frame flicker {result.FrameByFrame:F2} (0–255)  {result.FrameByFrameSeconds:F0} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"temporal flicker       {result.Temporal:F2} (0–255)  {result.TemporalSeconds:F0} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio temporal / frame-by-frame {result.Ratio:P1}"));
            if (stripPath is not null) Console.WriteLine($"wrote {stripPath}");
            return 0;
        });
        return command;
    }
}
