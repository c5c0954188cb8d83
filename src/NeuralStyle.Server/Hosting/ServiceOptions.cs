using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Server.Hosting;

/// <summary>Everything <c>serve</c> and <c>worker</c> are configured with.</summary>
public sealed record ServiceOptions
{
    /// <summary>A PostgreSQL URL (<c>postgres://user:password@host:port/database</c>) or Npgsql connection string;
    /// null = the embedded single-file store in <see cref="DataFolder"/>.</summary>
    public string? Database { get; init; }
    /// <summary>Where the embedded store keeps its files.</summary>
    public string DataFolder { get; init; } = DefaultDataFolder();
    public ServiceLimits Limits { get; init; } = new();
    public WorkerOptions Worker { get; init; } = new();
    /// <summary>How long a job a worker fetched stays hidden from the others without a sign of life. With
    /// PostgreSQL the worker renews it while it runs (sliding), so this is how soon a dead worker's job moves on.</summary>
    public TimeSpan InvisibilityTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The same for the embedded store, whose Hangfire storage cannot slide it: long, so a job running longer is
    /// never handed to a second worker thread. A job a crashed server was running is not left to it: the next start
    /// puts it back in the queue at once (<see cref="EmbeddedRecovery"/>).</summary>
    public TimeSpan EmbeddedInvisibilityTimeout { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Host names the web server answers to besides loopback names and the address it listens on ("*" = any);
    /// every other Host header is refused (DNS rebinding).</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    public bool UsesPostgres => Database is not null;

    public static string DefaultDataFolder()
    {
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "neural-style", "server");
    }
}
