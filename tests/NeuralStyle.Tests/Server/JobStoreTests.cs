using Microsoft.Data.Sqlite;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Storage;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Server;

/// <summary>The store's leases and states (SQLite file; the PostgreSQL store runs the same SQL in the worker tests).</summary>
public class JobStoreTests
{
    private static (SqliteJobStore, JobRecord) NewStore(TempFolder folder)
    {
        var store = new SqliteJobStore(folder.File("jobs.db"));
        store.Initialize();
        store.Initialize(); // a second start finds the tables there
        var job = new JobRecord { Id = JobId.New(), Owner = "key:test", Address = "127.0.0.1", Request = new JobRequest(), InputNames = ["a.png", "b.png"] };
        store.Create(job, new Dictionary<string, byte[]> { [Blobs.Photo] = [1, 2, 3], [Blobs.Painting(0)] = [4, 5] });
        return (store, job);
    }

    [Fact]
    public void ALiveLeaseKeepsTheJobWithItsHolderUntilItRunsOut()
    {
        using var folder = new TempFolder();
        var (store, job) = NewStore(folder);
        Assert.True(store.TryClaim(job.Id, "worker-a", TimeSpan.FromSeconds(1)));
        Assert.False(store.TryClaim(job.Id, "worker-b", TimeSpan.FromSeconds(1))); // a's lease is live
        Assert.Equal(ReportOutcome.Continue, store.Report(job.Id, "worker-a", JobProgress.None with { Step = 3 }, [9], TimeSpan.FromMilliseconds(300)));
        Thread.Sleep(600);
        Assert.True(store.TryClaim(job.Id, "worker-b", TimeSpan.FromSeconds(30))); // a went silent: b takes over
        // a's late report and checkpoint find the job gone from it, and change nothing.
        Assert.Equal(ReportOutcome.Lost, store.Report(job.Id, "worker-a", JobProgress.None with { Step = 4 }, [8], TimeSpan.FromSeconds(1)));
        store.SaveCheckpoint(job.Id, "worker-a", 4, [7]);
        var now = store.Get(job.Id)!;
        Assert.Equal((JobState.Running, "worker-b", 2, 3, 0), (now.State, now.Worker, now.Attempts, now.Progress.Step, now.CheckpointStep));
        Assert.Null(store.GetBlob(job.Id, Blobs.Checkpoint));
        Assert.Equal([9], store.GetBlob(job.Id, Blobs.Preview));
    }

    [Fact]
    public void CancellingAQueuedJobEndsItAndARunningOneAtItsNextReport()
    {
        using var folder = new TempFolder();
        var (store, job) = NewStore(folder);
        Assert.Equal(1, store.CountActive("127.0.0.1"));
        Assert.True(store.TryClaim(job.Id, "w", TimeSpan.FromSeconds(30)));
        Assert.Equal(JobState.Running, store.RequestCancel(job.Id)); // running: it is told at its next report
        Assert.Equal(ReportOutcome.Cancel, store.Report(job.Id, "w", JobProgress.None, null, TimeSpan.FromSeconds(30)));
        Assert.False(store.TryClaim(job.Id, "other", TimeSpan.FromSeconds(30))); // nobody starts a job being cancelled
        store.Finish(job.Id, "w", JobState.Cancelled, null, new Dictionary<string, byte[]>());
        Assert.Equal(0, store.CountActive("127.0.0.1"));

        var (_, queued) = (store, job with { Id = JobId.New() });
        store.Create(queued, new Dictionary<string, byte[]>());
        Assert.Equal(JobState.Cancelled, store.RequestCancel(queued.Id)); // nobody holds it: cancelled at once
        Assert.Null(store.RequestCancel(JobId.New()));
    }

    [Fact]
    public void FinishingKeepsTheResultAndDropsTheCheckpointDeletingDropsEverything()
    {
        using var folder = new TempFolder();
        var (store, job) = NewStore(folder);
        Assert.True(store.TryClaim(job.Id, "w", TimeSpan.FromSeconds(30)));
        store.SaveCheckpoint(job.Id, "w", 10, [1, 1]);
        Assert.Equal(10, store.Get(job.Id)!.CheckpointStep);
        store.Release(job.Id, "w");
        Assert.Equal((JobState.Queued, (string?)null), (store.Get(job.Id)!.State, store.Get(job.Id)!.Worker));
        Assert.Equal([1, 1], store.GetBlob(job.Id, Blobs.Checkpoint)); // kept for whoever resumes
        store.Finish(job.Id, null, JobState.Done, null, new Dictionary<string, byte[]> { [Blobs.Result] = [42] });
        Assert.Null(store.GetBlob(job.Id, Blobs.Checkpoint));
        Assert.Equal([42], store.GetBlob(job.Id, Blobs.Result));
        Assert.Equal([job.Id], store.List("key:test", 10).Select(j => j.Id));
        Assert.Empty(store.List("key:someone-else", 10));
        Assert.True(store.Delete(job.Id));
        Assert.Null(store.Get(job.Id));
        Assert.Null(store.GetBlob(job.Id, Blobs.Photo));
        Assert.False(store.Delete(job.Id));
    }

    [Fact]
    public void StartingAgainWhileAnotherConnectionWritesAJobDoesNotWaitForIt()
    {
        using var folder = new TempFolder();
        var (_, job) = NewStore(folder);
        using var writer = Connect(folder);
        using var transaction = writer.BeginTransaction(); // BEGIN IMMEDIATE: the file's one write lock, held until the commit
        Assert.Equal(1, Execute(writer, transaction, $"UPDATE ns_jobs SET checkpoint_step = 7 WHERE id = '{job.Id}'"));
        // Creating the tables would need that lock (and give up after the busy timeout with "database is locked").
        new SqliteJobStore(folder.File("jobs.db")).Initialize();
        transaction.Commit();
    }

    [Fact]
    public void AStartThatFindsAnIndexMissingCreatesIt()
    {
        using var folder = new TempFolder();
        var (store, _) = NewStore(folder);
        using var connection = Connect(folder);
        Execute(connection, null, "DROP INDEX ns_jobs_state");
        store.Initialize();
        Assert.Equal(1, Convert.ToInt32(new SqliteCommand("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ns_jobs_state'", connection).ExecuteScalar()));
    }

    private static SqliteConnection Connect(TempFolder folder)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = folder.File("jobs.db"), Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql) =>
        new SqliteCommand(sql, connection, transaction).ExecuteNonQuery();
}
