using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NeuralStyle.Tests.Support;

/// <summary>What a user of the terminal sees from one run of the CLI.</summary>
/// <param name="StderrLines">Every line of stderr, blank lines inside included (only the final
/// newline is dropped), so "exactly one line" really means one.</param>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr, string[] StderrLines);

/// <summary>
/// Runs the built <c>neural-style.dll</c> (or <c>neural-style-bench.dll</c>) as a child process. In-process invocation would share
/// Console, the torch thread count and signal handlers with the test runner; a child process shows
/// exactly what a user gets: stdout, stderr, exit code, files, and the reaction to signals.
/// </summary>
public static class CliProcess
{
    public const int Sigint = 2;
    public const int Sigterm = 15;

    /// <summary>The tool's program, <c>neural-style</c>.</summary>
    public const string Cli = "neural-style";

    /// <summary>The developer program <c>neural-style-bench</c> (bench/NeuralStyle.Bench), not part of the tool.</summary>
    public const string Bench = "neural-style-bench";

    /// <param name="environment">Variables set (or overridden) in the child only; the test process's
    /// own environment stays untouched, as other test classes read it in parallel.</param>
    /// <param name="whileRunning">Runs after the child has started, e.g. to wait for a file and signal it.</param>
    /// <param name="program"><see cref="Cli"/> or <see cref="Bench"/>.</param>
    public static async Task<CliRun> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        Func<Process, Task>? whileRunning = null, TimeSpan? timeout = null, string program = Cli)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program + ".dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (whileRunning is not null)
                await whileRunning(process);
            // A guard against hangs, not a timing check: generous, since a busy 2-core machine can make
            // the longest run (ResNet18, 128 px, 50 steps: ~20 s alone) take minutes.
            using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
            await process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            // A failed assertion or a hang must not leave a CPU-hungry optimiser running.
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        var err = (await stderr).ReplaceLineEndings("\n");
        var lines = err.Length == 0 ? [] : err.TrimEnd('\n').Split('\n');
        return new CliRun(process.ExitCode, (await stdout).ReplaceLineEndings("\n"), err, lines);
    }

    /// <summary>Sends a POSIX signal, as a terminal (Ctrl-C) or a service manager (SIGTERM) would.</summary>
    public static void Signal(Process process, int signal)
    {
        if (Kill(process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
