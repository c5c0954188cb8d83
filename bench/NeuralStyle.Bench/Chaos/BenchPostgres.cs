using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using NeuralStyle.Cli;

namespace NeuralStyle.Bench.Chaos;

/// <summary>
/// A throw-away PostgreSQL server for a bench: Debian's binaries (/usr/lib/postgresql/*/bin), a cluster initialised in
/// <paramref name="folder"/>, listening on a free loopback port only (and a socket in that folder), durable commits
/// (synchronous_commit on: the bench kills it, and a finished job must stay finished) but no fsync (the machine does not
/// crash, the server does). PostgreSQL refuses to run as root, so as root it runs as the <c>postgres</c> OS user.
/// The bench cannot use the tests' launcher (it does not reference the test project), hence this small one.
/// </summary>
public sealed class BenchPostgres : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly string _bin;
    private readonly string _folder;
    private readonly bool _root;
    private OutputTail _log = null!;
    private Process _process;

    private BenchPostgres(string bin, string folder, bool root, int port)
    {
        _bin = bin;
        _folder = folder;
        _root = root;
        Port = port;
        _process = StartPostmaster();
    }

    public int Port { get; }

    private string Data => Path.Combine(_folder, "data");

    /// <summary>Its last lines of log, for failure messages.</summary>
    public string LastLog(int lines = 10)
    {
        return string.Join("\n", _log.Last(lines));
    }

    /// <summary>initdb in <paramref name="folder"/> (an empty folder this bench owns), start, create <paramref name="database"/>;
    /// returns the server and the database's postgres:// URL, as <c>--database</c> takes it.</summary>
    public static (BenchPostgres Server, string Url) Start(string folder, string database)
    {
        var bin = FindBinaries() ?? throw new NeuralStyleException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres); on Debian: apt-get install postgresql");
        var root = geteuid() == 0;
        if (root && !File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)))
            throw new NeuralStyleException("running as root but there is no postgres OS user to run PostgreSQL as (it refuses root)");
        if (root) Run(false, "chown", "postgres:", folder);
        Run(root, Path.Combine(bin, "initdb"), "-D", Path.Combine(folder, "data"), "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-locale", "--no-sync");
        var server = new BenchPostgres(bin, folder, root, LoopbackPort.Free());
        try
        {
            server.WaitAccepting();
            Run(false, Path.Combine(bin, "createdb"), "-h", "127.0.0.1", "-p", server.Port.ToString(), "-U", "postgres", database);
            return (server, $"postgres://postgres@127.0.0.1:{server.Port}/{database}");
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL to the postmaster, as a crash or an out-of-memory kill does: no shutdown, clients cut off.</summary>
    public void Kill()
    {
        if (PostmasterPid() is { } pid) kill(pid, 9);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) throw new NeuralStyleException("the killed PostgreSQL did not exit within 30 s");
    }

    /// <summary>Starts it again on the same folder and port (crash recovery replays the WAL); tries until the killed
    /// server's last backends have let go of its shared memory and port.</summary>
    public void Restart()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            _process.Dispose();
            _process = StartPostmaster();
            try
            {
                WaitAccepting();
                return;
            }
            catch (NeuralStyleException) when (clock.Elapsed < StartTimeout)
            {
                Thread.Sleep(500);
            }
        }
    }

    /// <summary>Fast shutdown (SIGINT to the postmaster), SIGKILL if it is still there after 30 s. The folder is the caller's.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            if (PostmasterPid() is { } pid) kill(pid, 2);
            else kill(_process.Id, 2);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                if (PostmasterPid() is { } stuck) kill(stuck, 9);
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        _process.Dispose();
    }

    private Process StartPostmaster()
    {
        var process = Process.Start(StartInfo(_root, Path.Combine(_bin, "postgres"),
            "-D", Data, "-p", Port.ToString(), "-k", _folder, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "synchronous_commit=on", "-c", "full_page_writes=off",
            "-c", "max_connections=200", "-c", "shared_buffers=32MB", "-c", "log_min_messages=warning"))!;
        _log = OutputTail.Of(process, keep: 200);
        return process;
    }

    /// <summary>Until pg_isready says it accepts connections (or the postmaster exits, or 90 s pass).</summary>
    private void WaitAccepting()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited) throw new NeuralStyleException($"postgres exited with {_process.ExitCode}: {LastLog(3)}");
            using var ready = Process.Start(StartInfo(false, Path.Combine(_bin, "pg_isready"), "-h", "127.0.0.1", "-p", Port.ToString(), "-q"))!;
            ready.WaitForExit();
            if (ready.ExitCode == 0) return;
            Thread.Sleep(200);
        }
        throw new NeuralStyleException($"postgres did not accept connections within {StartTimeout.TotalSeconds:0} s: {LastLog(3)}");
    }

    // runuser starts postgres as its child: the postmaster's own pid is the first line of postmaster.pid.
    private int? PostmasterPid()
    {
        var file = Path.Combine(Data, "postmaster.pid");
        try
        {
            return File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null; // removed while read: it has just stopped
        }
    }

    private static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "postgres")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0).FirstOrDefault()
            : null;

    private static ProcessStartInfo StartInfo(bool asPostgres, string program, params string[] args)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/",
        };
        if (asPostgres) foreach (var a in new[] { "-u", "postgres", "--", program }) start.ArgumentList.Add(a);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["LC_ALL"] = "C";
        return start;
    }

    private static void Run(bool asPostgres, string program, params string[] args)
    {
        using var process = Process.Start(StartInfo(asPostgres, program, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new NeuralStyleException($"{Path.GetFileName(program)} did not finish within 3 minutes");
        }
        if (process.ExitCode != 0)
            throw new NeuralStyleException($"{Path.GetFileName(program)} failed (exit {process.ExitCode}): {(output.Result + error.Result).Trim().Split('\n').LastOrDefault()}");
    }


    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc")]
    private static extern int kill(int pid, int signal);
}
