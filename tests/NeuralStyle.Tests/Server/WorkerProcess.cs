using System.Diagnostics;
using System.Text;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// A real <c>neural-style worker --database …</c> child process (as <see cref="CliProcess"/> starts the CLI), kept
/// running while the test drives it: stopped with SIGTERM (graceful) or SIGKILL (a crash); killed on dispose.
/// Its name in the store is "machine:pid:suffix" with this process's <see cref="Pid"/>.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Everything it printed so far (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static WorkerProcess Start(string database, params string[] extra) => StartCli(["worker", "--database", database, .. extra]);

    /// <summary>A worker with extra environment variables (a test hook's).</summary>
    public static WorkerProcess StartWithEnvironment(string database, IReadOnlyDictionary<string, string> environment, params string[] extra) =>
        StartCli(["worker", "--database", database, .. extra], environment);

    /// <summary>A <c>neural-style serve</c> child on a free port with its embedded store in <paramref name="data"/>
    /// (wait for <see cref="WaitServingAsync"/>).</summary>
    public static WorkerProcess StartServe(string data, params string[] extra) => StartCli(["serve", "--port", "0", "--data", data, .. extra]);

    /// <summary><see cref="StartServe"/> with extra environment variables (e.g. TMPDIR: where its temporary files go).</summary>
    public static WorkerProcess StartServeWithEnvironment(string data, IReadOnlyDictionary<string, string> environment, params string[] extra) =>
        StartCli(["serve", "--port", "0", "--data", data, .. extra], environment);

    private static WorkerProcess StartCli(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, CliProcess.Cli + ".dll"), .. args])
            start.ArgumentList.Add(arg);
        return new WorkerProcess(Process.Start(start)!);
    }

    /// <summary>Waits for serve's startup line and returns the URL it listens on.</summary>
    public async Task<string> WaitServingAsync(TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var line = Output.Split('\n').FirstOrDefault(l => l.StartsWith("neural-style: serving "));
            if (line is not null) return line["neural-style: serving ".Length..].Split(' ')[0];
            if (_process.HasExited) throw new InvalidOperationException($"serve exited with {_process.ExitCode}:\n{Output}");
            if (deadline.Elapsed > (timeout ?? TimeSpan.FromMinutes(3))) throw new TimeoutException($"serve did not start:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Whether a job's <c>worker</c> (machine:pid:suffix) is this process.</summary>
    public bool Holds(string? worker) => worker?.Split(':') is [_, var pid, _] && pid == Pid.ToString();

    /// <summary>Waits for the startup line ("neural-style: worker … taking jobs from …").</summary>
    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!Output.Contains("taking jobs from"))
        {
            if (_process.HasExited) throw new InvalidOperationException($"the worker exited with {_process.ExitCode}:\n{Output}");
            if (deadline.Elapsed > (timeout ?? TimeSpan.FromMinutes(3))) throw new TimeoutException($"the worker did not start:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the process has printed <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!Output.Contains(text))
        {
            if (_process.HasExited) throw new InvalidOperationException($"the process exited with {_process.ExitCode} before printing '{text}':\n{Output}");
            if (deadline.Elapsed > timeout) throw new TimeoutException($"the process did not print '{text}':\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the process dies at once, as in a crash or an out-of-memory kill.</summary>
    public void Crash()
    {
        CliProcess.Signal(_process, 9);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM and wait (a hang guard kills it after <paramref name="timeout"/>).</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited) return;
        try
        {
            CliProcess.Signal(_process, CliProcess.Sigterm);
            using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token).ContinueWith(_ => { });
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
