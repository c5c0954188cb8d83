using System.Diagnostics;
using System.Runtime.InteropServices;
using NeuralStyle.Cli;

namespace NeuralStyle.Bench.Chaos;

/// <summary>A <c>neural-style</c> child process (the built neural-style.dll next to the bench) whose output is read to
/// the end (so it never blocks on a full pipe) and kept, the last lines, for failure messages.</summary>
public sealed class ToolProcess : IDisposable
{
    private readonly Process _process;
    private readonly OutputTail _log;

    private ToolProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _log = OutputTail.Of(process, keep: 400);
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public static ToolProcess Start(string name, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "neural-style.dll");
        if (!File.Exists(dll)) throw new NeuralStyleException($"the tool is not built next to the bench: {dll}");
        var self = Environment.ProcessPath;
        var host = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[dll, .. args]) start.ArgumentList.Add(a);
        return new ToolProcess(Process.Start(start)!, name);
    }

    public string LastLog(int lines = 15)
    {
        return string.Join("\n", _log.Last(lines).Select(l => $"  {Name}: {l}"));
    }

    /// <summary>Waits for the first output line starting with <paramref name="prefix"/> and returns it.</summary>
    public async Task<string> WaitForLine(string prefix, TimeSpan timeout, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_log.FirstStartingWith(prefix) is { } line) return line;
            if (_process.HasExited) throw new NeuralStyleException($"{Name} exited with {_process.ExitCode} before it was ready:\n{LastLog()}");
            if (clock.Elapsed > timeout) throw new NeuralStyleException($"{Name} was not ready within {timeout.TotalSeconds:0} s:\n{LastLog()}");
            await Task.Delay(100, stop);
        }
    }

    /// <summary>SIGKILL: gone at once, as in a crash or an out-of-memory kill.</summary>
    public void Crash()
    {
        if (!_process.HasExited) kill(_process.Id, 9);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM (it checkpoints and stops), SIGKILL after 30 s.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            kill(_process.Id, 15);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                Console.Error.WriteLine($"neural-style-bench: {Name} did not stop within 30 s; killing it");
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        _process.Dispose();
    }

    [DllImport("libc")]
    private static extern int kill(int pid, int signal);
}
