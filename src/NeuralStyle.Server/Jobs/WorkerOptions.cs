namespace NeuralStyle.Server.Jobs;

/// <summary>How a worker runs jobs: one at a time by default (the CPU is the limit), with how many threads,
/// and how often it reports and checkpoints.</summary>
public sealed record WorkerOptions
{
    /// <summary>Jobs this process runs at once (Hangfire worker count).</summary>
    public int Jobs { get; init; } = 1;
    /// <summary>libtorch threads per job; 0 = one per core. A job resumed by another worker continues bit for bit
    /// only when both use the same number.</summary>
    public int Threads { get; init; }
    /// <summary>Status and preview at most this often.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>A checkpoint at least this often (zero = by steps only).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>A checkpoint every this many steps (0 = by time only).</summary>
    public int CheckpointSteps { get; init; }
    /// <summary>How long a job stays this worker's without a report; after that another worker may take it over.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How long a worker waits out an unreachable database (retrying with a back-off) before it leaves the job
    /// it holds for recovery: never failed for it, requeued by a reaper once the database is back.</summary>
    public TimeSpan DatabasePatience { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Starts a job may have; one more (it stopped this often without finishing: it crashes its workers, or they
    /// keep losing it) and it fails, saying so, instead of taking workers down forever.</summary>
    public int MaxAttempts { get; init; } = 5;
    /// <summary>This worker's name in the store (machine, process, random suffix).</summary>
    public string Name { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}
