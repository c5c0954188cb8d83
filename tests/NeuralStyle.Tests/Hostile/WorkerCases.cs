namespace NeuralStyle.Tests.Hostile;

/// <summary>
/// Hostile cases of <c>worker</c> (issue 20), so the corpus covers every command: database URLs that are no URL, name
/// nothing or reach nothing, options out of range, and options a worker does not have (it listens nowhere, so
/// <c>--host</c> is refused). Each is one line and a non-zero exit, and the password never reaches the terminal.
/// Child processes with a time bound: a worker that regressed would wait for jobs instead of hanging the test host.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class WorkerCases
{
    /// <summary>Port 1 on loopback: nothing listens there, so the connection is refused at once.</summary>
    private const string Unreachable = "postgres://user:s3cret@127.0.0.1:1/jobs";

    private static HostileCase Case(string name, string[] args, string expect, int exit = 1) =>
        new($"worker: {name}", ["worker", "--data", "{w}/data", .. args], exit, expect) { Process = true, Seconds = 30 };

    public static IEnumerable<HostileCase> All()
    {
        const string url = "postgres://user:password@host:port/database URL or an Npgsql connection string";
        yield return Case("no --database", [], "Option '--database' is required", exit: 2);
        yield return Case("--database without a value", ["--database"], "Required argument missing for option: '--database'", exit: 2);
        yield return Case("--database ''", ["--database", ""], url);
        yield return Case("--database '   '", ["--database", "   "], url);
        yield return Case("--database as a connection string without a host", ["--database", "Database=jobs;Username=user"], url + " naming a host");
        yield return Case("--database as a connection string with an unknown key", ["--database", "Hots=127.0.0.1"], url);
        yield return Case("--database notaurl", ["--database", "notaurl"], url);
        yield return Case("--database http://", ["--database", "http://user:s3cret@127.0.0.1/jobs"], url);
        yield return Case("--database with terminal escapes", ["--database", "\u001b[2J\u001b]0;owned\u0007"], url);
        yield return Case("--database with a port out of range", ["--database", "postgres://user:s3cret@127.0.0.1:99999/jobs"], "is not a valid postgres:// URL");
        yield return Case("an unreachable database (password masked)", ["--database", Unreachable], "cannot reach the database postgres://user:***@127.0.0.1:1/jobs");
        yield return Case("a database host that does not resolve", ["--database", "postgres://user:s3cret@no-such-host.invalid/jobs"], "cannot reach the database postgres://user:***@");
        yield return Case("--host (a worker listens nowhere)", ["--database", Unreachable, "--host", "localhots"], "Unrecognized command or argument '--host'", exit: 2);
        yield return Case("--jobs 0", ["--database", Unreachable, "--jobs", "0"], "--jobs must be between 1 and 64");
        yield return Case("--jobs 65", ["--database", Unreachable, "--jobs", "65"], "--jobs must be between 1 and 64");
        yield return Case("--threads abc", ["--database", Unreachable, "--threads", "abc"], "Cannot parse argument 'abc' for option '--threads'", exit: 2);
        yield return Case("--database-patience 0", ["--database", Unreachable, "--database-patience", "0"], "--database-patience must be at least 1");
        yield return Case("--takeover-seconds -1", ["--database", Unreachable, "--takeover-seconds", "-1"], "--takeover-seconds must be at least 2");
    }
}
