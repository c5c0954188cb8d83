using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Video;

/// <summary><c>neural-style video</c> as a user runs it (a child process): a clip made here with ffmpeg in, a video
/// with the same frames, rate and audio out; its one-line errors.</summary>
public sealed class VideoCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Tiny runs: 64 px, ResNet18, one scale, a few steps a frame.</summary>
    private static string[] Fast(int iterations = 6, int frameIterations = 3) =>
        ["--model", "resnet18", "--size", "64", "--scales", "1", "--iterations", $"{iterations}", "--frame-iterations", $"{frameIterations}"];

    [SkippableFact]
    public async Task APannedClipKeepsItsFramesRateAndAudio()
    {
        VideoClips.RequireFfmpeg();
        var clip = VideoClips.PannedChelsea(_dir.Path);
        var output = _dir.File("styled.mp4");
        var run = await CliProcess.RunAsync(["video", clip, VideoClips.Starry, "-o", output, .. Fast()]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var input = VideoClips.Probe(clip);
        var result = VideoClips.Probe(output);
        Assert.Equal(12, input.FrameCount);
        Assert.Equal(input.FrameCount, result.FrameCount);
        Assert.Equal(input.FramesPerSecond, result.FramesPerSecond, 6);
        Assert.True(result.HasAudio, "the audio is copied");
        Assert.Equal((64, 48), (result.Width, result.Height));
        VideoClips.AssertDecodes(output);
        // Nothing but the output next to it (no temporaries, no frames).
        Assert.Equal(["pan.mp4", "styled.mp4"], _dir.Entries().Order());
    }

    [SkippableFact]
    public async Task AnInterruptedVideoResumesAtItsFrameWithTheSameFrames()
    {
        VideoClips.RequireFfmpeg();
        var clip = VideoClips.PannedChelsea(_dir.Path, audio: false);
        string[] Args(string output, string checkpoint) =>
            ["video", clip, VideoClips.Starry, "-o", _dir.File(output), "--checkpoint", _dir.File(checkpoint), "--threads", "1",
             .. Fast(20, 12)];

        var whole = await CliProcess.RunAsync(Args("whole.mp4", "whole"));
        Assert.True(whole.ExitCode == 0, whole.Stderr);

        // Ctrl-C once four frames are finished: the frame under way is dropped, the finished ones stay.
        var stopped = await CliProcess.RunAsync(Args("resumed.mp4", "resumed"), whileRunning: async process =>
        {
            while (!File.Exists(Path.Combine(_dir.File("resumed"), "frame-000004.png")) && !process.HasExited) await Task.Delay(20);
            CliProcess.Signal(process, CliProcess.Sigint);
        });
        Assert.Equal(130, stopped.ExitCode);
        Assert.False(File.Exists(_dir.File("resumed.mp4")));
        var kept = Directory.GetFiles(_dir.File("resumed"), "frame-*.png").Length;
        Assert.InRange(kept, 4, 11);

        var resumed = await CliProcess.RunAsync(Args("resumed.mp4", "resumed"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(kept, resumed.Stdout.Split('\n').Count(l => l.EndsWith("done before (checkpoint)")));
        for (var frame = 1; frame <= 12; frame++)
        {
            var name = $"frame-{frame:D6}.png";
            Assert.True(File.ReadAllBytes(Path.Combine(_dir.File("whole"), name)).SequenceEqual(File.ReadAllBytes(Path.Combine(_dir.File("resumed"), name))),
                $"{name} differs between the uninterrupted and the resumed run");
        }
        Assert.Equal(12, VideoClips.Probe(_dir.File("resumed.mp4")).FrameCount);

        // The folder belongs to this video and these settings: other settings are refused in one line.
        var other = await CliProcess.RunAsync([.. Args("other.mp4", "resumed"), "--temporal-weight", "5"]);
        Assert.Equal(1, other.ExitCode);
        Assert.Single(other.StderrLines);
        Assert.Contains("holds frames of another run (the settings differ)", other.Stderr);
    }

    [SkippableFact]
    public async Task UserErrorsAreOneLine()
    {
        VideoClips.RequireFfmpeg();
        var clip = VideoClips.PannedChelsea(_dir.Path, frames: 3, audio: false);
        Directory.CreateDirectory(_dir.File("folder.mp4"));
        File.WriteAllText(_dir.File("notes.mp4"), "not a video");
        var emptyPath = Directory.CreateDirectory(_dir.File("no-tools")).FullName;

        async Task Expect(string[] args, string message, IReadOnlyDictionary<string, string>? environment = null)
        {
            var run = await CliProcess.RunAsync(args, environment);
            Assert.NotEqual(0, run.ExitCode);
            Assert.True(run.StderrLines.Length == 1, $"one line expected: {run.Stderr}");
            Assert.Contains(message, run.Stderr);
        }

        await Expect(["video", _dir.File("missing.mp4"), VideoClips.Starry, "-o", _dir.File("a.mp4"), .. Fast()], "missing.mp4");
        await Expect(["video", clip, VideoClips.Starry, "-o", _dir.File("folder.mp4"), .. Fast()], "is a folder");
        await Expect(["video", _dir.File("notes.mp4"), VideoClips.Starry, "-o", _dir.File("b.mp4"), .. Fast()], "is not a video ffmpeg can read");
        await Expect(["video", VideoClips.Chelsea, VideoClips.Starry, "-o", _dir.File("c.mp4"), .. Fast()], "is not a video ffmpeg can read");
        await Expect(["video", clip, VideoClips.Starry, "-o", _dir.File("d.gif"), .. Fast()], "must be a .mp4");
        await Expect(["video", clip, VideoClips.Starry, "-o", _dir.File("e.mp4"), .. Fast()], "apt install ffmpeg",
            new Dictionary<string, string> { ["PATH"] = emptyPath });
        Assert.False(File.Exists(_dir.File("e.mp4")));
    }
}
