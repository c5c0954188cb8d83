using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Storage;

namespace NeuralStyle.Server.Hosting;

/// <summary>
/// On every web server and worker: finds jobs no one is running any more (see <see cref="IJobStore.ListStranded"/>:
/// a lease that lapsed because the worker died or lost the database, or a job given back whose queue entry is gone)
/// and puts them back in the queue, to resume from their checkpoint. The scale-out counterpart of
/// <see cref="EmbeddedRecovery"/>, and what keeps a job alive through a database outage that outlasted its worker's
/// patience. Several reapers at once are safe: the store's requeue is conditional, so each job is requeued once.
/// A job that keeps being stranded ends when a worker claims it once too often (<see cref="WorkerOptions.MaxAttempts"/>).
/// </summary>
internal sealed class JobReaper(JobService service, IBackgroundJobClient queue, ServiceOptions options, ILogger<JobReaper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var lease = options.Worker.Lease;
        // Twice per lease: a dead worker's job waits at most about one and a half leases.
        var period = TimeSpan.FromTicks(Math.Clamp(lease.Ticks / 2, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromSeconds(30).Ticks));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, stop);
                Sweep(service.Store, queue, lease, log);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (TransientStoreError.Is(e))
            {
                // The database is away; the next sweep looks again.
            }
            catch (Exception e)
            {
                log.LogError(e, "the job reaper's sweep failed");
            }
        }
    }

    /// <summary>One look: requeues every stranded job; returns how many.</summary>
    /// <param name="lease">The workers' lease: also the grace after a database restart, and a tenth of how long a
    /// given-back job may wait unclaimed before its queue entry is presumed lost.</param>
    public static int Sweep(IJobStore store, IBackgroundJobClient queue, TimeSpan lease, ILogger log)
    {
        var unclaimed = lease * 10;
        var requeued = 0;
        foreach (var job in store.ListStranded(lease, unclaimed))
        {
            if (!store.Requeue(job.Id, lease, unclaimed)) continue;
            // Should the queue refuse it now, the job stays given back, and a sweep finds it again once it has waited unclaimed.
            StyleJobRunner.Enqueue(queue, job.Id);
            requeued++;
            if (job.State == JobState.Running)
                log.LogWarning("job {Job}: its worker {Worker} stopped renewing it at step {Step}; queued again, to resume from step {Checkpoint}",
                    job.Id, job.Worker, job.Progress.Step, job.CheckpointStep);
            else
                log.LogWarning("job {Job} was given back but never picked up; queued again", job.Id);
        }
        return requeued;
    }
}
