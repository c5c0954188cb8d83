using System.Diagnostics;
using Hangfire;
using Microsoft.Extensions.Logging;
using NeuralStyle.Imaging;
using NeuralStyle.Reports;
using NeuralStyle.Server.Storage;
using NeuralStyle.Transfer;

namespace NeuralStyle.Server.Jobs;

/// <summary>
/// The Hangfire job: runs one style-transfer job from the store to the end, on whichever worker took it.
/// It claims the job (a lease a heartbeat thread renews, <see cref="LeaseKeeper"/>), resumes from the stored checkpoint when there is
/// one, reports progress and a preview about once a second, checkpoints regularly, and stores the result.
/// A worker that dies loses only the steps since its last checkpoint: once its lease runs out, Hangfire hands the job
/// to another worker (the dead one's fetch times out) or a reaper requeues it, and the next worker resumes it.
/// </summary>
public sealed class StyleJobRunner(IJobStore store, WorkerOptions options, ServiceLimits limits, WorkerShutdown shutdownSignal,
    ILogger<StyleJobRunner> log)
{
    /// <summary>Who holds the job in the store: this worker and this one execution (a runner is made per job), so a
    /// duplicate delivery inside the same process cannot take over a job that is still running.</summary>
    private readonly string _holder = $"{options.Name}/{Guid.NewGuid().ToString("N")[..6]}";
    private CancellationToken _hangfire;

    /// <summary>Stores a new job with its images and queues it for the workers: how every front end submits one.</summary>
    public static void Submit(IJobStore store, IBackgroundJobClient queue, JobRecord job, IReadOnlyDictionary<string, byte[]> images, ILogger? log = null)
    {
        store.Create(job, images);
        EnqueueNew(store, queue, job.Id, log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
    }

    /// <summary>Queues a job just created in the store and confirms it there (<see cref="IJobStore.Enqueued"/>). When the
    /// queue refuses it (its database failed between the two writes), the job is stored all the same: false, and a
    /// reaper queues it once it has waited unclaimed (<see cref="Hosting.JobReaper"/>), so the job still runs.</summary>
    public static bool EnqueueNew(IJobStore store, IBackgroundJobClient queue, string jobId, ILogger log)
    {
        try
        {
            Enqueue(queue, jobId);
        }
        catch (Exception e)
        {
            log.LogWarning("job {Job} is stored but the queue refused it ({Error}); a reaper will queue it", jobId, UserMessage.OneLine((e.InnerException ?? e).Message));
            return false;
        }
        // Unconfirmed, it is merely queued a second time later: a duplicate delivery, which the claim turns away.
        try
        {
            store.Enqueued(jobId);
        }
        catch (Exception e) when (TransientStoreError.Is(e))
        {
        }
        return true;
    }

    /// <summary>Queues the Hangfire job that runs the store's job <paramref name="jobId"/>.</summary>
    public static void Enqueue(IBackgroundJobClient queue, string jobId) => queue.Enqueue<StyleJobRunner>(runner => runner.Run(jobId, CancellationToken.None));

    /// <param name="jobId">The store's job id.</param>
    /// <param name="hangfire">Hangfire's token (it passes its own for this parameter).</param>
    /// <remarks>Stops early only when this process shuts down (<see cref="WorkerShutdown"/>): the job is checkpointed and
    /// given back, and the run ends with <see cref="OperationCanceledException"/> once Hangfire's token is set too, which
    /// Hangfire, stopping, answers by putting the job back in its queue. Hangfire's token alone does not stop the run:
    /// it also fires when Hangfire hands the job to another worker (a duplicate delivery), and the store's lease, not
    /// Hangfire, decides who runs a job. A database that goes away never ends the job: the run goes on stepping without
    /// the reports and checkpoints it cannot make, and retries what it cannot do without (reading the job, claiming it,
    /// storing the result); past <see cref="WorkerOptions.DatabasePatience"/> it leaves the job as it is and ends with
    /// <see cref="StoreUnavailableException"/>, which Hangfire retries later, and the reaper requeues the job too.</remarks>
    [AutomaticRetry(Attempts = 10, OnlyOn = [typeof(StoreUnavailableException)], DelaysInSeconds = [10, 30, 60, 120, 300])]
    public void Run(string jobId, CancellationToken hangfire)
    {
        _hangfire = hangfire;
        var shutdown = shutdownSignal.Token;
        var db = new StoreRetry($"job {jobId}", options.DatabasePatience, log, shutdown);
        try
        {
            var job = db.Call("reading the job", () => store.Get(jobId));
            if (job is null || job.State.IsTerminal()) return; // deleted or finished (e.g. a late duplicate delivery)
            if (!Claim(job, db)) return;
            job = db.Call("reading the job", () => store.Get(jobId));
            if (job is null || job.State.IsTerminal()) return; // deleted or cancelled just now
            if (job.Attempts > options.MaxAttempts)
            {
                Fail(db, jobId, $"stopped after {job.Attempts - 1} starts without finishing: each time its worker stopped or lost the database " +
                                $"(last at step {job.Progress.Step} of {job.Progress.TotalSteps}, checkpoint at step {job.CheckpointStep})");
                return;
            }
            using var keeper = new LeaseKeeper(store, jobId, _holder, options.Lease, log);
            try
            {
                Execute(job, shutdown, keeper, db);
            }
            catch (Exception e) when (e is OperationCanceledException && shutdown.IsCancellationRequested || IsStoreAway(e))
            {
                throw;
            }
            catch (NeuralStyleException e)
            {
                Fail(db, jobId, UserMessage.OneLine(e.Message));
            }
            catch (Exception e)
            {
                log.LogError(e, "job {Job} failed", jobId);
                Fail(db, jobId, $"internal error: {UserMessage.OneLine(e.Message)}");
            }
        }
        catch (Exception e) when (IsStoreAway(e))
        {
            if (shutdown.IsCancellationRequested) StopForShutdown();
            // Not the job's doing: it stays queued, or running with a lease that runs out, for recovery.
            log.LogWarning("job {Job} is left for recovery: {Error}", jobId, UserMessage.OneLine(e.Message));
            throw e as StoreUnavailableException ?? new StoreUnavailableException($"the database failed ({e.GetType().Name})", e);
        }
    }

    private static bool IsStoreAway(Exception e) => e is StoreUnavailableException || TransientStoreError.Is(e);

    private void Fail(StoreRetry db, string jobId, string message) =>
        db.Call("recording the failure", () => store.Finish(jobId, _holder, JobState.Failed, message, NoBlobs));

    private static readonly Dictionary<string, byte[]> NoBlobs = [];

    /// <summary>Takes the job, unless another live holder has it (a duplicate delivery, or a redelivery while its worker
    /// is still alive or its lease has not quite run out: the reaper, <see cref="Hosting.JobReaper"/>, requeues it if
    /// that worker is dead). A job whose owner asked to cancel it ends here.</summary>
    private bool Claim(JobRecord job, StoreRetry db)
    {
        if (db.Call("claiming the job", () => store.TryClaim(job.Id, _holder, options.Lease))) return true;
        if (db.Call("reading the job", () => store.Get(job.Id)) is { CancelRequested: true } now && !now.State.IsTerminal())
            db.Call("cancelling the job", () => store.Finish(job.Id, null, JobState.Cancelled, null, NoBlobs));
        return false;
    }

    private void Execute(JobRecord job, CancellationToken shutdown, LeaseKeeper keeper, StoreRetry db)
    {
        using var session = OpenSession(job, db);
        var lastReport = Stopwatch.StartNew();
        var lastCheckpoint = Stopwatch.StartNew();
        var checkpointStep = session.StepsCompleted;
        var resumePoint = session.StepsCompleted;
        var resumedFrom = session.StepsCompleted;
        var lastScale = -1;
        var storeAway = false;
        while (session.Step() is { } report)
        {
            if (keeper.Lost)
            {
                StoppedByOthers(job.Id, db);
                return;
            }
            if (shutdown.IsCancellationRequested)
            {
                // Best effort: with the database away the lease runs out instead, and the job is requeued from its last checkpoint.
                StoreRetry.TryOnce(() => Checkpoint(job, session), log, "the shutdown checkpoint");
                StoreRetry.TryOnce(() => store.Release(job.Id, _holder), log, "giving the job back");
                StopForShutdown();
            }
            var due = lastReport.Elapsed >= options.ProgressInterval || report.Scale != lastScale || session.IsFinished;
            if (due)
            {
                lastScale = report.Scale;
                lastReport.Restart();
                var outcome = ReportOutcome.Continue;
                // A report that cannot be made is skipped: the job goes on stepping, and reports once the database is back.
                if (!StoreRetry.TryOnce(() => outcome = store.Report(job.Id, _holder, Progress(session, report, resumedFrom), session.EncodeCurrentImage(ImageFormat.Jpeg), options.Lease),
                        log, "a progress report"))
                {
                    if (!storeAway) log.LogWarning("job {Job}: the database is unreachable at step {Step}; going on, reporting when it is back", job.Id, report.Step);
                    storeAway = true;
                    continue;
                }
                if (storeAway) log.LogInformation("job {Job}: the database is back at step {Step}", job.Id, report.Step);
                storeAway = false;
                switch (outcome)
                {
                    case ReportOutcome.Lost:
                        StoppedByOthers(job.Id, db);
                        return;
                    case ReportOutcome.Cancel:
                        db.Call("cancelling the job", () => store.Finish(job.Id, _holder, JobState.Cancelled, null, NoBlobs));
                        return;
                }
            }
            var byTime = options.CheckpointInterval > TimeSpan.Zero && lastCheckpoint.Elapsed >= options.CheckpointInterval;
            var bySteps = options.CheckpointSteps > 0 && session.StepsCompleted - checkpointStep >= options.CheckpointSteps;
            if ((byTime || bySteps) && !session.IsFinished && !storeAway)
            {
                // A checkpoint the database or the disk cannot take (a full disk refuses its scratch file or its blob while
                // small reports still fit) waits for the next occasion: the one before it stays the resume point.
                try
                {
                    Checkpoint(job, session);
                    resumePoint = session.StepsCompleted;
                }
                catch (Exception e) when (TransientStoreError.Is(e))
                {
                    log.LogWarning("job {Job}: the checkpoint at step {Step} could not be stored ({Error}); going on, the one at step {Kept} stays the resume point",
                        job.Id, session.StepsCompleted, UserMessage.OneLine(e.Message), resumePoint);
                }
                checkpointStep = session.StepsCompleted;
                lastCheckpoint.Restart();
            }
        }
        using var result = session.Result();
        var blobs = new Dictionary<string, byte[]>
        {
            [Blobs.Result] = ImageSaver.Encode(result.Image, ImageFormat.Png),
            // Drawn through a scratch file, which a full disk refuses: waited out as the store's writes are.
            [Blobs.Plot] = db.Call("drawing the loss plot", () => Plot(session.History)),
        };
        if (!db.Call("storing the result", () => store.Finish(job.Id, _holder, JobState.Done, null, blobs)))
            StoppedByOthers(job.Id, db);
    }

    /// <summary>The job is no longer this run's: deleted by its owner, or taken over by another worker after this one
    /// went silent too long. Nothing of this run is stored.</summary>
    private void StoppedByOthers(string jobId, StoreRetry db)
    {
        if (db.Call("reading the job", () => store.Get(jobId)) is { } now)
            log.LogWarning("job {Job} is no longer this worker's ({State}, {Worker}); stopping here", jobId, now.State.Name(), now.Worker ?? "no worker");
    }

    /// <summary>Ends the run for a shutdown, after Hangfire's own token is set (it follows ours within moments), so
    /// Hangfire sees a job interrupted by its stopping server and requeues it rather than calling it failed.</summary>
    private void StopForShutdown()
    {
        _hangfire.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
        throw new OperationCanceledException("the worker is shutting down", _hangfire);
    }

    /// <summary>A new session, or the stored checkpoint's (the settings it was started with, this worker's threads).</summary>
    private StyleTransferSession OpenSession(JobRecord job, StoreRetry db)
    {
        var inputs = db.Call("reading the job's images", () => JobInputs.Load(store, job));
        try
        {
            if (job.CheckpointStep > 0 && db.Call("reading the checkpoint", () => store.GetBlob(job.Id, Blobs.Checkpoint)) is { } checkpoint)
            {
                using var file = new ScratchFile(job.Id);
                db.Call("writing the checkpoint to a scratch file", () => File.WriteAllBytes(file.Path, checkpoint)); // a full disk is waited out
                log.LogInformation("job {Job}: resuming from the checkpoint at step {Step}", job.Id, job.CheckpointStep);
                return StyleTransferSession.Resume(file.Path, inputs, settings: s => s with { Threads = options.Threads });
            }
            var settings = job.Request.Resolve(JobInputs.PaintingCount(job), limits, options.Threads);
            return new StyleTransferSession(settings, inputs);
        }
        catch
        {
            inputs.Dispose();
            throw;
        }
    }

    private void Checkpoint(JobRecord job, StyleTransferSession session)
    {
        using var file = new ScratchFile(job.Id);
        session.SaveCheckpoint(file.Path);
        store.SaveCheckpoint(job.Id, _holder, session.StepsCompleted, File.ReadAllBytes(file.Path));
    }

    private static JobProgress Progress(StyleTransferSession session, IterationReport report, int resumedFrom)
    {
        var fraction = report.Fraction;
        return new JobProgress
        {
            Step = report.Step,
            TotalSteps = report.TotalSteps,
            Scale = report.Scale,
            Scales = report.Scales,
            Side = report.Side,
            ElapsedSeconds = report.Seconds,
            EtaSeconds = fraction > 0 ? report.Seconds * (1 - fraction) / fraction : null,
            Losses = LossCurve.From(session.History),
            ResumedFrom = resumedFrom,
        };
    }

    private static byte[] Plot(IReadOnlyList<IterationReport> history)
    {
        using var file = new ScratchFile("plot", ".png");
        LossPlot.Save(file.Path, history);
        return File.ReadAllBytes(file.Path);
    }
}
