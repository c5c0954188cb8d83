using System.Diagnostics;
using NeuralStyle.Tests.Support;
using NeuralStyle.Video;

namespace NeuralStyle.Tests.Video;

/// <summary>ffmpeg for the video tests (installed with apt when missing, else a skip with the reason), the clips they
/// make from examples/ images, and what ffprobe says about an output.</summary>
internal static class VideoClips
{
    public static readonly string Chelsea = Path.Combine(SharedFiles.RepoRoot, "examples", "chelsea.png");
    public static readonly string Starry = Path.Combine(SharedFiles.RepoRoot, "examples", "starry_night.jpg");

    /// <summary>Skips the test, with the reason, where ffmpeg is not installed and cannot be.</summary>
    public static void RequireFfmpeg()
    {
        var missing = DebianPackages.Ensure("ffmpeg", () => File.Exists("/usr/bin/ffmpeg") && File.Exists("/usr/bin/ffprobe"));
        Skip.If(missing is not null, missing);
    }

    /// <summary>examples/chelsea.png panned across <paramref name="frames"/> frames at 10 fps (a 200×150 window moving
    /// 4 px a frame), H.264, with a 440 Hz sine as AAC audio when asked.</summary>
    public static string PannedChelsea(string folder, int frames = 12, bool audio = true)
    {
        var path = Path.Combine(folder, audio ? "pan.mp4" : "pan-silent.mp4");
        var args = new List<string> { "-v", "error", "-nostdin", "-y", "-loop", "1", "-framerate", "10", "-i", Chelsea };
        if (audio) args.AddRange(["-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=44100:duration={frames / 10.0 + 0.2}"]);
        args.AddRange(["-filter_complex", "[0:v]crop=200:150:x='10+4*n':y=60,format=yuv420p[v]", "-map", "[v]"]);
        if (audio) args.AddRange(["-map", "1:a", "-c:a", "aac"]);
        args.AddRange(["-frames:v", frames.ToString(), "-c:v", "libx264", path]);
        Run("/usr/bin/ffmpeg", args);
        return path;
    }

    /// <summary>Whether the whole file decodes without an error (ffmpeg to the null muxer).</summary>
    public static void AssertDecodes(string path) =>
        Run("/usr/bin/ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-f", "null", "-"]);

    public static VideoInfo Probe(string path) => VideoProbe.Read(path);

    private static void Run(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error.Result}");
    }
}
