using Hangfire;
using Hangfire.Storage.SQLite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralStyle.Server.Hosting;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Storage;
using NeuralStyle.Server.Web;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// What happens to a job nobody runs any more, and to one deleted as it ends, on the real SQLite store (the PostgreSQL
/// store runs the same SQL: <see cref="DatabaseChaosTests"/>): leases that lapse, the reaper's requeue, finishing only
/// as the holder, and no image left without its job.
/// </summary>
public class StrandedJobTests
{
    private static readonly IReadOnlyDictionary<string, byte[]> Finished = new Dictionary<string, byte[]> { [Blobs.Result] = [1, 2], [Blobs.Plot] = [3] };

    private static (SqliteJobStore, JobRecord) NewStore(TempFolder folder)
    {
        var store = new SqliteJobStore(folder.File("jobs.db"));
        store.Initialize();
        var job = new JobRecord { Id = JobId.New(), Owner = "key:test", Address = "127.0.0.1", Request = new JobRequest(), InputNames = ["a.png", "b.png"] };
        store.Create(job, new Dictionary<string, byte[]> { [Blobs.Photo] = [1, 2, 3], [Blobs.Painting(0)] = [4, 5] });
        return (store, job);
    }

    /// <summary>Blobs whose job row is gone, counted in the file itself.</summary>
    private static long OrphanBlobs(TempFolder folder)
    {
        using var connection = new SqliteConnection($"Data Source={folder.File("jobs.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM ns_blobs WHERE job_id NOT IN (SELECT id FROM ns_jobs)";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public void AJobDeletedAtItsLastStepGetsNoResultOrPlot()
    {
        using var folder = new TempFolder();
        var (store, job) = NewStore(folder);
        Assert.True(store.TryClaim(job.Id, "w", TimeSpan.FromSeconds(30)));
        Assert.False(store.Finish(job.Id, "someone-else", JobState.Done, null, Finished)); // only the holder ends it
        Assert.Null(store.GetBlob(job.Id, Blobs.Result));
        Assert.Equal(JobState.Running, store.Get(job.Id)!.State);

        // The owner deletes it while the worker encodes its result; then the worker stores it.
        Assert.True(store.Delete(job.Id));
        Assert.False(store.Finish(job.Id, "w", JobState.Done, null, Finished));
        Assert.Null(store.GetBlob(job.Id, Blobs.Result));
        Assert.Null(store.GetBlob(job.Id, Blobs.Plot));
        Assert.Equal(0, OrphanBlobs(folder));
        Assert.False(store.Renew(job.Id, "w", TimeSpan.FromSeconds(30)));

        // The other order: finished, then deleted: everything goes.
        var second = job with { Id = JobId.New() };
        store.Create(second, new Dictionary<string, byte[]> { [Blobs.Photo] = [1] });
        Assert.True(store.TryClaim(second.Id, "w", TimeSpan.FromSeconds(30)));
        Assert.True(store.Finish(second.Id, "w", JobState.Done, null, Finished));
        Assert.False(store.Finish(second.Id, "w", JobState.Failed, "late", Finished)); // an ended job stays as it ended
        Assert.Equal(JobState.Done, store.Get(second.Id)!.State);
        Assert.True(store.Delete(second.Id));
        Assert.Equal(0, OrphanBlobs(folder));
    }

    [Fact]
    public void ALapsedLeaseShowsTheJobWaitingAndTheReaperRequeuesItOnce()
    {
        using var folder = new TempFolder();
        var (store, job) = NewStore(folder);
        var live = TimeSpan.FromSeconds(30);
        Assert.True(store.TryClaim(job.Id, "dead-worker", live));
        Assert.Equal(ReportOutcome.Continue, store.Report(job.Id, "dead-worker", JobProgress.None with { Step = 7, TotalSteps = 20, EtaSeconds = 12 }, null, live));
        Assert.True(store.Renew(job.Id, "dead-worker", live));
        var held = store.Get(job.Id)!;
        Assert.False(held.LeaseLapsed);
        Assert.Equal(("running", 12.0), (JobView.From(held).State, JobView.From(held).Progress.EtaSeconds));
        Assert.Empty(store.ListStranded(live, TimeSpan.FromHours(1)));

        // Its last heartbeat, with a short lease; then the worker dies.
        var lease = TimeSpan.FromMilliseconds(500);
        Assert.True(store.Renew(job.Id, "dead-worker", lease));
        Thread.Sleep(lease * 2);
        var lapsed = store.Get(job.Id)!;
        Assert.True(lapsed.LeaseLapsed);
        var view = JobView.From(lapsed);
        Assert.Equal("queued", view.State); // waiting to be resumed, not "running" with a frozen ETA
        Assert.Null(view.Progress.EtaSeconds);
        Assert.Equal(7, view.Progress.Step);

        using var hangfire = new SQLiteStorage(folder.File("queue.db"), new SQLiteStorageOptions());
        var queue = new BackgroundJobClient(hangfire);
        Assert.Equal(1, JobReaper.Sweep(store, queue, lease, NullLogger.Instance));
        Assert.Equal(0, JobReaper.Sweep(store, queue, lease, NullLogger.Instance)); // once
        Assert.Equal(1, hangfire.GetMonitoringApi().EnqueuedCount("default"));
        var requeued = store.Get(job.Id)!;
        Assert.Equal((JobState.Queued, (string?)null, false), (requeued.State, requeued.Worker, requeued.LeaseLapsed));
        Assert.False(store.Renew(job.Id, "dead-worker", lease)); // a worker that comes back finds it gone from it
        Assert.Equal(ReportOutcome.Lost, store.Report(job.Id, "dead-worker", JobProgress.None, null, lease));

        Assert.True(store.TryClaim(job.Id, "next-worker", TimeSpan.FromSeconds(30)));
        Assert.Equal(2, store.Get(job.Id)!.Attempts);
        Assert.Equal(0, JobReaper.Sweep(store, queue, lease, NullLogger.Instance)); // a live lease is left alone
    }

    [Fact]
    public void AGivenBackJobNobodyClaimsIsQueuedAgainItsQueueEntryMayBeLost()
    {
        using var folder = new TempFolder();
        var (store, job) = NewStore(folder);
        var unclaimed = TimeSpan.FromSeconds(1);
        Assert.True(store.TryClaim(job.Id, "w", TimeSpan.FromSeconds(30)));
        store.Release(job.Id, "w");
        Assert.Empty(store.ListStranded(TimeSpan.FromSeconds(1), unclaimed));
        Thread.Sleep(unclaimed * 1.5);
        Assert.Equal([job.Id], store.ListStranded(TimeSpan.FromSeconds(1), unclaimed).Select(j => j.Id));
        Assert.True(store.Requeue(job.Id, TimeSpan.FromSeconds(1), unclaimed));
        Assert.Empty(store.ListStranded(TimeSpan.FromSeconds(1), unclaimed)); // its wait starts again
        Assert.True(store.TryClaim(job.Id, "w2", TimeSpan.FromSeconds(30)));
        Thread.Sleep(unclaimed * 1.5);
        Assert.Empty(store.ListStranded(TimeSpan.FromSeconds(1), unclaimed)); // claimed and live
        // A new job whose queue entry was confirmed is left to its queue; one whose enqueue never was is queued again.
        var fresh = job with { Id = JobId.New() };
        store.Create(fresh, new Dictionary<string, byte[]>());
        store.Enqueued(fresh.Id);
        var unconfirmed = job with { Id = JobId.New() };
        store.Create(unconfirmed, new Dictionary<string, byte[]>());
        Thread.Sleep(unclaimed * 1.5);
        var stranded = store.ListStranded(TimeSpan.FromSeconds(1), unclaimed).Select(j => j.Id).ToList();
        Assert.DoesNotContain(fresh.Id, stranded);
        Assert.Contains(unconfirmed.Id, stranded);
    }
}
