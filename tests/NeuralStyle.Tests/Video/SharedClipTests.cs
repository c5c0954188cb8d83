using NeuralStyle.Networks;
using NeuralStyle.Tests.Support;
using NeuralStyle.Transfer;
using NeuralStyle.Video;

namespace NeuralStyle.Tests.Video;

/// <summary>A real clip (../shared/videos/pedestrians-30f.mp4: people walking before a static background, where
/// flicker shows most).</summary>
public sealed class SharedClipTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public async Task ThePedestriansClipKeepsItsFramesAndRate()
    {
        var clip = SharedFiles.Require(Path.Combine("videos", "pedestrians-30f.mp4"));
        VideoClips.RequireFfmpeg();
        var output = _dir.File("pedestrians.mp4");
        var run = await CliProcess.RunAsync(["video", clip, VideoClips.Starry, "-o", output, "--model", "resnet18", "--size", "96",
            "--scales", "1", "--iterations", "8", "--frame-iterations", "4"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var input = VideoClips.Probe(clip);
        var result = VideoClips.Probe(output);
        Assert.Equal(input.FrameCount, result.FrameCount);
        Assert.Equal(input.FramesPerSecond, result.FramesPerSecond, 6);
        VideoClips.AssertDecodes(output);
    }

    /// <summary>The measurement of <c>neural-style-bench video-flicker</c>, through the same library code, on the first
    /// 12 frames: temporal consistency at most halves the flicker of frame-by-frame stylisation, same steps per frame.</summary>
    [SkippableFact]
    public void TemporalConsistencyAtLeastHalvesTheFlicker()
    {
        var clip = SharedFiles.Require(Path.Combine("videos", "pedestrians-30f.mp4"));
        VideoClips.RequireFfmpeg();
        var settings = SettingsResolver.Resolve(new SettingOverrides { Model = ModelSpec.ResNet18, Size = 96, Iterations = 20, Scales = 1 });
        var result = FlickerComparison.Measure(clip, VideoClips.Starry, settings, frameLimit: 12);
        Assert.Equal(12, result.Frames);
        Assert.True(result.Temporal <= 0.5 * result.FrameByFrame,
            $"temporal flicker {result.Temporal:F2} vs frame by frame {result.FrameByFrame:F2} (ratio {result.Ratio:P0})");
    }
}
