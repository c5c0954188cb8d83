using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Npgsql;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// A real PostgreSQL server for the tests: Debian's binaries (installed with apt when missing and the tests are
/// root), a cluster initialised in a temporary folder, listening on a free loopback port and a socket in that
/// folder, tuned for speed (no fsync). One server per test run (<see cref="PostgresFixture"/>); every test takes
/// its own database (<see cref="CreateDatabase"/>) so queues and jobs never mix. PostgreSQL refuses to run as root,
/// so as root it runs as the <c>postgres</c> OS user (runuser); otherwise as the current user.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder;
    private readonly StringBuilder _log;
    private readonly bool _root;
    private readonly string _bin;
    private readonly bool _durable;
    private Process _process;
    private int _databases;

    private PostgresServer(TempFolder folder, Process process, StringBuilder log, int port, bool root, string bin, bool durable)
    {
        _durable = durable;
        _folder = folder;
        _process = process;
        _log = log;
        Port = port;
        _root = root;
        _bin = bin;
    }

    public int Port { get; }

    /// <summary>The cluster's folder (data in <c>data/</c>, the socket beside it).</summary>
    public string Folder => _folder.Path;

    /// <summary>The superuser's connection string to the <c>postgres</c> database.</summary>
    public string AdminConnectionString => Connection("postgres");

    public string Connection(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Timeout = 30, Pooling = false,
    }.ConnectionString;

    /// <summary>A new, empty database; returns its <c>postgres://</c> URL, as <c>--database</c> takes it.</summary>
    public string CreateDatabase(string prefix = "test")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection) { CommandTimeout = 60 };
        command.ExecuteNonQuery();
        return $"postgres://postgres@127.0.0.1:{Port}/{name}";
    }

    /// <summary>What the server wrote to stderr (for failure messages).</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Starts a server, or returns why it cannot (a skip reason).</summary>
    /// <param name="durable">Commits survive a crash of the server (synchronous_commit on), for tests that kill it;
    /// otherwise the last fraction of a second of commits may be lost then, which a throw-away cluster does not mind.</param>
    public static (PostgresServer? Server, string? Skip) TryStart(bool durable = false)
    {
        var bin = FindBinaries();
        if (bin is null)
        {
            var install = DebianPackages.Ensure("postgresql", () => FindBinaries() is not null);
            if (install is not null) return (null, $"PostgreSQL is not available: {install}");
            bin = FindBinaries();
            if (bin is null) return (null, "PostgreSQL was installed but no /usr/lib/postgresql/*/bin/initdb was found");
        }
        var root = IsRoot();
        if (root && !UserExists("postgres")) return (null, "running as root but there is no postgres OS user to run PostgreSQL as (it refuses root)");

        var folder = new TempFolder();
        try
        {
            if (root) Chown(folder.Path);
            var data = Path.Combine(folder.Path, "data");
            var (code, output) = Run(root, Path.Combine(bin, "initdb"), TimeSpan.FromMinutes(3),
                "-D", data, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-locale", "--no-sync");
            if (code != 0)
            {
                folder.Dispose();
                return (null, $"initdb failed (exit {code}): {LastLine(output)}");
            }

            string? lastError = null;
            for (var attempt = 0; attempt < 3; attempt++) // a free port may be taken between choosing and binding it
            {
                var port = NeuralStyle.Bench.Chaos.LoopbackPort.Free();
                var (server, error) = Start(root, bin, folder, data, port, durable);
                if (server is not null) return (server, null);
                lastError = error;
            }
            folder.Dispose();
            return (null, $"PostgreSQL did not start: {lastError}");
        }
        catch (Exception e)
        {
            folder.Dispose();
            return (null, $"PostgreSQL could not be set up: {e.GetType().Name}: {e.Message}");
        }
    }

    private static (PostgresServer?, string?) Start(bool root, string bin, TempFolder folder, string data, int port, bool durable)
    {
        var log = new StringBuilder();
        var process = StartProcess(root, bin, folder, data, port, log, durable);
        var server = new PostgresServer(folder, process, log, port, root, bin, durable);
        var error = server.WaitAccepting(StartTimeout);
        if (error is null) return (server, null);
        if (!process.HasExited) server.StopProcess();
        process.Dispose();
        return (null, error);
    }

    private static Process StartProcess(bool root, string bin, TempFolder folder, string data, int port, StringBuilder log, bool durable)
    {
        string[] args =
        [
            "-D", data, "-p", port.ToString(), "-k", folder.Path,
            "-c", "listen_addresses=127.0.0.1",
            // Speed over durability: a test cluster is thrown away. Without fsync a commit still reaches the OS, so it
            // survives the server's own crash (not the machine's) when the commit waits for its WAL write.
            "-c", "fsync=off", "-c", $"synchronous_commit={(durable ? "on" : "off")}", "-c", "full_page_writes=off",
            "-c", "max_connections=300", "-c", "shared_buffers=32MB", "-c", "max_wal_size=1GB",
            "-c", "log_min_messages=warning", "-c", "log_min_error_statement=panic",
        ];
        var process = Process.Start(StartInfo(root, Path.Combine(bin, "postgres"), args))!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until the server answers a query; null, or why it did not.</summary>
    private string? WaitAccepting(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                return $"postgres exited with {_process.ExitCode}: {LastLine(Log)}";
            }
            try
            {
                using var connection = new NpgsqlConnection(AdminConnectionString);
                connection.Open();
                using var command = new NpgsqlCommand("SELECT 1", connection);
                command.ExecuteScalar();
                return null;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                Thread.Sleep(200);
            }
        }
        return $"postgres did not accept connections within {timeout.TotalSeconds:0} s";
    }

    /// <summary>SIGKILL to the postmaster, as a crash or an out-of-memory kill does: no shutdown, clients cut off (its
    /// backends end by themselves, "terminating connection due to unexpected postmaster exit"). Start it again with
    /// <see cref="Restart"/>.</summary>
    public void KillPostmaster()
    {
        var postmaster = PostmasterPid() ?? throw new InvalidOperationException("no postmaster.pid: the server is not running");
        Kill(postmaster, 9);
        _process.WaitForExit(StopTimeout);
    }

    /// <summary>Starts the server again on the same data folder and port, after <see cref="KillPostmaster"/> (crash
    /// recovery replays its WAL). Tries until the killed server's last backends have let go of its shared memory.</summary>
    public void Restart()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            _process.Dispose();
            _process = StartProcess(_root, _bin, _folder, Path.Combine(_folder.Path, "data"), Port, _log, _durable);
            var error = WaitAccepting(StartTimeout);
            if (error is null) return;
            if (deadline.Elapsed > StartTimeout) throw new InvalidOperationException($"PostgreSQL did not start again: {error}\n{Log}");
            Thread.Sleep(500);
        }
    }

    private int? PostmasterPid()
    {
        var pidFile = Path.Combine(_folder.Path, "data", "postmaster.pid");
        return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) ? pid : null;
    }

    /// <summary>Fast shutdown (SIGINT to the postmaster: clients are disconnected), then the folder goes.</summary>
    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        StopProcess();
        _process.Dispose();
        _folder.Dispose();
    }

    private void StopProcess()
    {
        // runuser starts postgres as its child: signal the postmaster itself (its pid is the first line of postmaster.pid).
        var postmaster = PostmasterPid();
        if (postmaster is { } p) Kill(p, 2); // SIGINT = fast shutdown
        else if (!_process.HasExited) Kill(_process.Id, 2);
        if (!_process.WaitForExit(StopTimeout))
        {
            if (postmaster is { } q) Kill(q, 9);
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(StopTimeout);
        }
    }

    private static string? FindBinaries()
    {
        if (!Directory.Exists("/usr/lib/postgresql")) return null;
        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "postgres")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    private static ProcessStartInfo StartInfo(bool root, string program, string[] args)
    {
        var start = new ProcessStartInfo(root ? "runuser" : program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (root)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program }) start.ArgumentList.Add(a);
        }
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["LC_ALL"] = "C";
        return start;
    }

    private static (int Code, string Output) Run(bool root, string program, TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(root, program, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{Path.GetFileName(program)} did not finish within {timeout.TotalSeconds:0} s");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    private static void Chown(string path)
    {
        var (code, output) = Run(false, "chown", TimeSpan.FromMinutes(1), "postgres:", path);
        if (code != 0) throw new InvalidOperationException($"chown postgres {path} failed: {LastLine(output)}");
    }

    private static bool UserExists(string user) => File.ReadLines("/etc/passwd").Any(l => l.StartsWith(user + ":", StringComparison.Ordinal));

    private static bool IsRoot() => geteuid() == 0;


    private static string LastLine(string text) =>
        text.Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "(no output)";

    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}

/// <summary>The one PostgreSQL server of a test run, shared by the <see cref="PostgresCollection"/>; stopped and
/// deleted at the end. <see cref="Skip"/> says why there is none.</summary>
public sealed class PostgresFixture : IDisposable
{
    private readonly Lazy<(PostgresServer? Server, string? Skip)> _server = new(() => PostgresServer.TryStart(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The server, started on first use; skips the test (with the reason) where PostgreSQL cannot run.</summary>
    public PostgresServer Server
    {
        get
        {
            var (server, skip) = _server.Value;
            Xunit.Skip.If(server is null, skip);
            return server!;
        }
    }

    public void Dispose()
    {
        if (_server.IsValueCreated) _server.Value.Server?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
