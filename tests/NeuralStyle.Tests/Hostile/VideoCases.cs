using NeuralStyle.Tests.Imaging;
using NeuralStyle.Tests.Video;

namespace NeuralStyle.Tests.Hostile;

/// <summary>
/// Hostile cases of <c>video</c> (issue 20): a checkpoint folder whose frames were changed or replaced by links, and
/// an ffprobe that prints what no ffprobe prints. Before, each was exit 70 (libtorch's shape error with its C++
/// backtrace, a JsonException, a KeyNotFoundException).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class VideoCases
{
    private static string[] Video(string clip) =>
        ["video", clip, "{w}/s.jpg", "-o", "{w}/v.mp4", "--model", "resnet18", "--size", "32", "--scales", "1", "--iterations", "2",
         "--frame-iterations", "1", "--checkpoint", "{w}/frames"];

    /// <summary>A 3-frame clip and the checkpoint folder of its finished run (frames/), v.mp4 its output.</summary>
    private static void FinishedRun(Workspace w)
    {
        VideoClips.RequireFfmpeg();
        VideoClips.PannedChelsea(w.Path, frames: 3, audio: false);
        var run = HostileCli.InProcess(HostileCorpusTests.Resolve(Video("{w}/pan-silent.mp4"), w));
        Assert.True(run.ExitCode == 0, string.Join("\n", run.StderrLines));
    }

    /// <summary>bin/ffprobe printing <paramref name="output"/>, and bin/ffmpeg the real one; PATH starts with bin/.</summary>
    private static void FakeFfprobe(Workspace w, string output)
    {
        if (!File.Exists("/usr/bin/ffmpeg")) throw new SkipException("ffmpeg is not installed");
        Directory.CreateDirectory(w["bin"]);
        File.WriteAllText(w["bin/ffprobe"], $"#!/bin/sh\ncat <<'EOF'\n{output}\nEOF\n");
        File.SetUnixFileMode(w["bin/ffprobe"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(w["bin/ffmpeg"], "/usr/bin/ffmpeg");
        File.Copy(w["c.png"], w["clip.mp4"]);
    }

    private static readonly Dictionary<string, string> FakePath = new() { ["PATH"] = "{w}/bin:/usr/bin:/bin" };

    /// <summary>The video's frames go to {w}/tmp (TMPDIR), so the snapshot sees what a run leaves there.</summary>
    private static string[] VideoInTemp(string clip) =>
        ["video", clip, "{w}/s.jpg", "-o", "{w}/v.mp4", "--model", "resnet18", "--size", "32", "--scales", "1", "--iterations", "2", "--frame-iterations", "1"];

    private static bool Gone(int pid)
    {
        // A killed child whose parent is gone may stay a zombie where PID 1 does not reap: dead all the same.
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return true;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    public static IEnumerable<HostileCase> All()
    {
        const string dead = "tmp/neural-style-video-999999999-aB3dEf";
        const string legacy = "tmp/neural-style-video-Zx81ab";
        var alive = $"tmp/neural-style-video-{Environment.ProcessId}-keepMe";
        yield return new("video: work folders of killed runs are removed by the next run", VideoInTemp("{w}/pan-silent.mp4"), Exit: 0)
        {
            Process = true, Seconds = 120,
            Environment = new() { ["TMPDIR"] = "{w}/tmp" },
            Setup = w =>
            {
                VideoClips.RequireFfmpeg();
                VideoClips.PannedChelsea(w.Path, frames: 3, audio: false);
                foreach (var folder in new[] { dead, legacy, alive })
                {
                    Directory.CreateDirectory(w[folder]);
                    File.Copy(w["c.png"], w[$"{folder}/frame-000001.png"]);
                }
                Directory.SetLastWriteTimeUtc(w[legacy], DateTime.UtcNow.AddDays(-2)); // a version without the pid in the name
            },
            Outputs = ["v.mp4"],
            Removed = [dead, $"{dead}/frame-000001.png", legacy, $"{legacy}/frame-000001.png"],
        };
        yield return new("video: SIGINT while ffmpeg hangs ends ffmpeg too", VideoInTemp("{w}/pan-silent.mp4"), Exit: 130)
        {
            Process = true, Seconds = 60,
            Environment = new() { ["TMPDIR"] = "{w}/tmp", ["PATH"] = "{w}/bin:/usr/bin:/bin" },
            Setup = w =>
            {
                VideoClips.RequireFfmpeg();
                VideoClips.PannedChelsea(w.Path, frames: 3, audio: false);
                Directory.CreateDirectory(w["tmp"]);
                Directory.CreateDirectory(w["bin"]);
                // ffprobe is real; ffmpeg says its pid and hangs, as on a stalled network mount.
                File.WriteAllText(w["bin/ffmpeg"], $"#!/bin/sh\necho $$ > '{w["ffmpeg.pid"]}'\nexec sleep 600\n");
                File.SetUnixFileMode(w["bin/ffmpeg"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                File.CreateSymbolicLink(w["bin/ffprobe"], "/usr/bin/ffprobe");
            },
            WhileRunning = async (p, w) =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (!(File.Exists(w["ffmpeg.pid"]) && File.ReadAllText(w["ffmpeg.pid"]).Trim().Length > 0) && !p.HasExited && clock.Elapsed.TotalSeconds < 60)
                    await Task.Delay(50);
                await Task.Delay(300); // exec sleep
                Support.CliProcess.Signal(p, Support.CliProcess.Sigint);
            },
            // The .NET runtime's own diagnostics socket in TMPDIR outlives an _exit; it is not ours to remove.
            Outputs = ["ffmpeg.pid", "tmp/dotnet-diagnostic-*"],
            Then = w =>
            {
                var pid = int.Parse(File.ReadAllText(w["ffmpeg.pid"]).Trim());
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (!Gone(pid) && clock.Elapsed.TotalSeconds < 10) Thread.Sleep(100);
                var gone = Gone(pid);
                if (!gone) System.Diagnostics.Process.GetProcessById(pid).Kill();
                Assert.True(gone, $"ffmpeg (pid {pid}) still runs after the tool ended");
            },
        };
        yield return new("video: a checkpoint frame of another size", Video("{w}/pan-silent.mp4"), Expect: "not the 32×24 of this run's frames")
        {
            Setup = w =>
            {
                FinishedRun(w);
                using var other = TestPictures.Quadrants(40, 40);
                File.WriteAllBytes(w["frames/frame-000003.png"], TestPictures.EncodePng(other));
            },
        };
        yield return new("video: a checkpoint frame that is a symlink to a user photo", Video("{w}/pan-silent.mp4"), Expect: "'frame-000003.png' is a symbolic link, not a frame")
        {
            Setup = w =>
            {
                FinishedRun(w);
                File.Delete(w["frames/frame-000003.png"]);
                File.CreateSymbolicLink(w["frames/frame-000003.png"], w["c.png"]);
            },
        };
        yield return new("video: a checkpoint frame beyond a gap that is a symlink", Video("{w}/pan-silent.mp4"), Expect: "is a symbolic link, not a frame")
        {
            Setup = w =>
            {
                FinishedRun(w);
                File.Delete(w["frames/frame-000002.png"]); // frame 2 would be made again, then frame 3 saved through the link
                File.Delete(w["frames/frame-000003.png"]);
                File.CreateSymbolicLink(w["frames/frame-000003.png"], w["out.png"]);
            },
        };
        yield return new("video: ffprobe prints no JSON", Video("{w}/clip.mp4"), Expect: "printed no JSON")
        {
            Setup = w => FakeFfprobe(w, "Segmentation fault (core dumped)"), Environment = FakePath,
        };
        yield return new("video: ffprobe gives a stream without width", Video("{w}/clip.mp4"), Expect: "no frame size")
        {
            Setup = w => FakeFfprobe(w, """{"streams":[{"codec_type":"video","height":24,"r_frame_rate":"10/1","nb_frames":"3"}],"format":{"format_name":"mov"}}"""),
            Environment = FakePath,
        };
        yield return new("video: ffprobe gives a width of -7", Video("{w}/clip.mp4"), Expect: "no frame size")
        {
            Setup = w => FakeFfprobe(w, """{"streams":[{"codec_type":"video","width":-7,"height":24,"r_frame_rate":"10/1","nb_frames":"3"}],"format":{"format_name":"mov"}}"""),
            Environment = FakePath,
        };
        yield return new("video: ffprobe gives a frame rate of 1/0", Video("{w}/clip.mp4"), Expect: "gives the frame rate '1/0'")
        {
            Setup = w => FakeFfprobe(w, """{"streams":[{"codec_type":"video","width":32,"height":24,"r_frame_rate":"1/0","nb_frames":"3"}],"format":{"format_name":"mov"}}"""),
            Environment = FakePath,
        };
        yield return new("video: ffprobe prints a JSON array", Video("{w}/clip.mp4"), Expect: "printed JSON without streams")
        {
            Setup = w => FakeFfprobe(w, "[1,2,3]"), Environment = FakePath,
        };
    }
}
