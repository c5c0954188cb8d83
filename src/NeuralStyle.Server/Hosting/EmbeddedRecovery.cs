using Hangfire;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Storage;

namespace NeuralStyle.Server.Hosting;

/// <summary>
/// On the start of an embedded server: a job the store still calls running was being run by this folder's previous
/// server, which died without giving it back (kill -9, power loss): the folder lock proves no other process has it.
/// It goes back to the queue at once and resumes from its last checkpoint, instead of waiting for the embedded
/// store's long invisibility timeout. A stale delivery of it that turns up later finds it taken or finished.
/// </summary>
public static class EmbeddedRecovery
{
    public static int RequeueOrphans(IJobStore store, IBackgroundJobClient queue)
    {
        var orphans = store.ListRunning();
        foreach (var job in orphans)
        {
            if (job.Worker is { } worker) store.Release(job.Id, worker);
            StyleJobRunner.Enqueue(queue, job.Id);
        }
        return orphans.Count;
    }
}
