using Microsoft.Extensions.Logging;
using NeuralStyle.Server.Storage;

namespace NeuralStyle.Server.Jobs;

/// <summary>
/// A running job's heartbeat: renews its lease a few times per lease on a thread of its own, so the lease says
/// whether the worker process is alive, not whether a step happened to end (a large tiled step may take longer than
/// a lease). While the database is away it tries again every half second, so a returning server sees the renewal
/// within moments; <see cref="Lost"/> is set once the store says the job is no longer this holder's.
/// </summary>
internal sealed class LeaseKeeper : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private volatile bool _lost;

    public LeaseKeeper(IJobStore store, string jobId, string holder, TimeSpan lease, ILogger log)
    {
        _thread = new Thread(() => Keep(store, jobId, holder, lease, log)) { IsBackground = true, Name = $"lease {jobId}" };
        _thread.Start();
    }

    /// <summary>The job was taken over, requeued by a reaper, finished or deleted by someone else.</summary>
    public bool Lost => _lost;

    private void Keep(IJobStore store, string jobId, string holder, TimeSpan lease, ILogger log)
    {
        var period = lease / 3;
        var wait = period;
        while (!_stop.Token.WaitHandle.WaitOne(wait))
        {
            var renewed = false;
            if (StoreRetry.TryOnce(() => renewed = store.Renew(jobId, holder, lease), log, $"renewing the lease of job {jobId}"))
            {
                if (!renewed)
                {
                    _lost = true;
                    return;
                }
                wait = period;
            }
            else
            {
                wait = RetryDelay < period ? RetryDelay : period;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        // A renewal stuck on an unreachable server is not waited for long: once the job has ended or been given back,
        // a late renewal changes nothing (it needs the job running and held by this holder).
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}
