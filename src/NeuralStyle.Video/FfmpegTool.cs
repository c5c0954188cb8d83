using System.Diagnostics;

namespace NeuralStyle.Video;

/// <summary>
/// Debian's <c>ffmpeg</c> and <c>ffprobe</c>, run as processes (no native binding: the tool works with whatever
/// ffmpeg the system has, and a missing one is a one-line error saying how to install it).
/// </summary>
public static class FfmpegTool
{
    public const string InstallHint = "install it with: apt install ffmpeg";

    /// <summary>The ffmpeg executable found on PATH, or a one-line error.</summary>
    public static string Ffmpeg => Find("ffmpeg");

    /// <summary>The ffprobe executable (part of Debian's ffmpeg package) found on PATH, or a one-line error.</summary>
    public static string Ffprobe => Find("ffprobe");

    /// <summary>Null when both programs are on PATH, else the one-line error a video command would give.</summary>
    public static string? Missing()
    {
        try
        {
            _ = Ffmpeg;
            _ = Ffprobe;
            return null;
        }
        catch (NeuralStyleException e)
        {
            return e.Message;
        }
    }

    private static string Find(string name)
    {
        // Searched here rather than left to Process.Start, so the error names the fix instead of "No such file".
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate) && IsExecutable(candidate)) return candidate;
        }
        throw new NeuralStyleException($"{name} is not installed (not found on PATH); video needs it: {InstallHint}");
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()
        || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>A started process with stdout (and stdin when asked) redirected; stderr is collected in the background.</summary>
    internal static RunningTool Start(string program, IEnumerable<string> args, bool redirectInput = false)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return new RunningTool(Process.Start(start) ?? throw new NeuralStyleException($"could not start {program}"));
    }

    /// <summary>Runs to the end; returns the exit code, stdout and stderr.</summary>
    internal static (int Code, string Output, string Error) Run(string program, IEnumerable<string> args)
    {
        using var tool = Start(program, args);
        var output = tool.Process.StandardOutput.ReadToEnd();
        var code = tool.WaitForExit();
        return (code, output, tool.Error);
    }

    /// <summary>The last non-empty line of a tool's stderr: what the user needs from a failure, on one line.</summary>
    internal static string LastLine(string error) =>
        UserMessage.OneLine(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message");
}

/// <summary>A running ffmpeg or ffprobe; disposing it kills the process if it still runs (e.g. the run was cancelled).</summary>
internal sealed class RunningTool : IDisposable
{
    private readonly Task<string> _error;
    private readonly IDisposable _exitCleanup;

    public RunningTool(Process process)
    {
        Process = process;
        _exitCleanup = Runtime.ExitCleanup.Child(process); // a forced exit ends it too
        _error = process.StandardError.ReadToEndAsync();
    }

    public Process Process { get; }

    /// <summary>Everything the tool wrote to stderr (after it exited).</summary>
    public string Error => _error.Result;

    public int WaitForExit()
    {
        Process.WaitForExit();
        _error.Wait();
        return Process.ExitCode;
    }

    /// <summary>Ends the tool now if it still runs.</summary>
    public void Kill()
    {
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _exitCleanup.Dispose();
        Process.Dispose();
    }
}
