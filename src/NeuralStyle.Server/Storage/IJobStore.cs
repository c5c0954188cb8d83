using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Server.Storage;

/// <summary>
/// Where jobs and their images live: the one place every web server and worker reads and writes, so a worker
/// needs nothing but the store's connection (inputs, previews, checkpoints and results are blobs in it).
/// Times come from the store's own clock, so leases mean the same on every machine.
/// </summary>
public interface IJobStore
{
    /// <summary>Creates the tables when they are missing.</summary>
    void Initialize();

    void Create(JobRecord job, IReadOnlyDictionary<string, byte[]> blobs);

    /// <summary>Creates the job only while its owner has fewer than <paramref name="maxPerOwner"/> and its address fewer than
    /// <paramref name="maxPerAddress"/> jobs queued or running: counted and inserted in one transaction that concurrent
    /// creations for the same owner or address wait for, so twenty at once cannot all see room for one more.</summary>
    CreateOutcome TryCreate(JobRecord job, IReadOnlyDictionary<string, byte[]> blobs, int maxPerOwner, int maxPerAddress);

    JobRecord? Get(string id);

    /// <summary>Whose job it is (null: no such job), without reading its progress: what an image route needs.</summary>
    string? OwnerOf(string id);

    /// <summary>The owner's jobs, newest first.</summary>
    IReadOnlyList<JobRecord> List(string owner, int limit);

    /// <summary>Jobs a worker holds (or held when it died).</summary>
    IReadOnlyList<JobRecord> ListRunning();

    /// <summary>Jobs no worker is really running: running with a lapsed lease (their worker died, gave up on an
    /// unreachable store, or was cut off from it for longer than the lease), or given back to the queue (or created and their enqueue never confirmed, <see cref="Enqueued"/>) and not claimed
    /// within <paramref name="unclaimed"/> (their queue entry may be lost). A lease counts as lapsed only once the store
    /// itself has been up for <paramref name="grace"/>, so after a database restart live workers renew theirs first.</summary>
    IReadOnlyList<JobRecord> ListStranded(TimeSpan grace, TimeSpan unclaimed);

    /// <summary>Puts a stranded job (see <see cref="ListStranded"/>) back in the queued state, checkpoint kept; false when
    /// it is no longer stranded (its holder renewed it, another reaper was first, it ended).</summary>
    bool Requeue(string id, TimeSpan grace, TimeSpan unclaimed);

    /// <summary>Confirms that a new job's queue entry exists (Hangfire took it): until then the job counts as given back
    /// at its creation, so a reaper queues it again when its enqueue failed (see <see cref="ListStranded"/>).</summary>
    void Enqueued(string id);

    /// <summary>Jobs from this network address that are queued or running.</summary>
    int CountActive(string address);

    /// <summary>Takes the job for <paramref name="worker"/> when it is queued or running and no other worker's
    /// lease is live (see <see cref="ListStranded"/>, with the lease as the grace); then it is running, held until
    /// now + <paramref name="lease"/>.</summary>
    bool TryClaim(string id, string worker, TimeSpan lease);

    /// <summary>Stores progress (and a new preview when given) and renews the lease.</summary>
    ReportOutcome Report(string id, string worker, JobProgress progress, byte[]? preview, TimeSpan lease);

    /// <summary>Renews the lease alone (a worker's heartbeat between reports); false when the job is no longer
    /// <paramref name="worker"/>'s (taken over, requeued by a reaper, finished or deleted).</summary>
    bool Renew(string id, string worker, TimeSpan lease);

    void SaveCheckpoint(string id, string worker, int step, byte[] checkpoint);

    /// <summary>Gives the job back (a worker shutting down): queued again, lease ended, checkpoint kept.</summary>
    void Release(string id, string worker);

    /// <summary>Ends the job in a terminal state, storing <paramref name="blobs"/> (result, plot); drops its checkpoint.
    /// Only while it is <paramref name="worker"/>'s and running (null: whoever holds it, as long as it has not ended),
    /// so a job deleted or taken over meanwhile gets nothing written: false then.</summary>
    bool Finish(string id, string? worker, JobState state, string? error, IReadOnlyDictionary<string, byte[]> blobs);

    /// <summary>Asks a job to stop: a queued job is cancelled at once, a running one at its next report.
    /// Returns the job's state after the request, or null when there is no such job.</summary>
    JobState? RequestCancel(string id);

    /// <summary>Removes the job and its images.</summary>
    bool Delete(string id);

    byte[]? GetBlob(string id, string name);
}

/// <summary>Whether <see cref="IJobStore.TryCreate"/> created the job, or which limit it met.</summary>
public enum CreateOutcome
{
    Created,
    OwnerFull,
    AddressFull,
}

/// <summary>What a worker learns when it reports progress.</summary>
public enum ReportOutcome
{
    Continue,
    /// <summary>The user asked to cancel.</summary>
    Cancel,
    /// <summary>The job is no longer this worker's (its lease ran out and another took it, or it was deleted).</summary>
    Lost,
}
