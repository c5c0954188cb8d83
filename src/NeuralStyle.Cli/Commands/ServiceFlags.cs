using System.CommandLine;
using NeuralStyle.Server.Hosting;
using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Cli.Commands;

/// <summary>The options <c>serve</c> and <c>worker</c> share, and how they become <see cref="ServiceOptions"/>.</summary>
internal sealed class ServiceFlags
{
    public readonly Option<string?> Database = new("--database") { Description = "PostgreSQL for scale-out: postgres://user:password@host:port/database. Jobs, images and the queue live there; workers need only this." };
    public readonly Option<string?> Data = new("--data") { Description = "Folder of the embedded single-file store (default ~/.local/share/neural-style/server)." };
    public readonly Option<int?> Jobs = new("--jobs") { Description = "Jobs this process runs at once (default 1: the CPU is the limit)." };
    public readonly Option<int?> Threads = new("--threads") { Description = "CPU threads per job (default one per core). Workers that resume each other's jobs must use the same." };
    // For tests and operators who need faster takeover; hidden to keep --help short.
    public readonly Option<int?> CheckpointSteps = new("--checkpoint-steps") { Description = "Also checkpoint every N steps (default: every 20 s).", Hidden = true };
    public readonly Option<double?> TakeoverSeconds = new("--takeover-seconds") { Description = "Seconds without a sign of life after which another worker takes a job over (default 60).", Hidden = true };
    public readonly Option<double?> DatabasePatience = new("--database-patience") { Description = "Seconds a worker waits out an unreachable database before it leaves its job for recovery (default 300).", Hidden = true };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Database, Data, Jobs, Threads, CheckpointSteps, TakeoverSeconds, DatabasePatience }) command.Options.Add(option);
    }

    public ServiceOptions ToOptions(ParseResult parsed, ServiceLimits limits)
    {
        var jobs = parsed.GetValue(Jobs) ?? 1;
        if (jobs is < 1 or > 64) throw new NeuralStyleException("--jobs must be between 1 and 64");
        var threads = parsed.GetValue(Threads) ?? 0;
        if (threads < 0 || threads > Transfer.StyleTransferSettings.MaxThreads)
            throw new NeuralStyleException($"--threads must be between 1 and {Transfer.StyleTransferSettings.MaxThreads}");
        var takeover = TimeSpan.FromSeconds(parsed.GetValue(TakeoverSeconds) ?? 60);
        if (takeover < TimeSpan.FromSeconds(2)) throw new NeuralStyleException("--takeover-seconds must be at least 2");
        var patience = parsed.GetValue(DatabasePatience) is { } seconds ? TimeSpan.FromSeconds(seconds) : new WorkerOptions().DatabasePatience;
        if (patience < TimeSpan.FromSeconds(1)) throw new NeuralStyleException("--database-patience must be at least 1");
        var defaults = new ServiceOptions();
        return defaults with
        {
            Database = parsed.GetValue(Database),
            DataFolder = parsed.GetValue(Data) is { } data ? Path.GetFullPath(data) : defaults.DataFolder,
            Limits = limits,
            InvisibilityTimeout = takeover,
            Worker = new WorkerOptions
            {
                Jobs = jobs,
                Threads = threads,
                CheckpointSteps = parsed.GetValue(CheckpointSteps) ?? 0,
                // The lease runs out before the queue hands the job on, so the next worker can claim it at once.
                Lease = takeover / 2,
                DatabasePatience = patience,
            },
        };
    }
}
