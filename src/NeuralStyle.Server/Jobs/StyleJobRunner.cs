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
/// It claims the job (a lease it renews with every report), resumes from the stored checkpoint when there is
/// one, reports progress and a preview about once a second, checkpoints regularly, and stores the result.
/// A worker that dies loses only the steps since its last checkpoint: Hangfire hands the job to another
/// worker once the dead one's fetch times out, and that one claims it when the lease has run out.
/// </summary>
public sealed class StyleJobRunner(IJobStore store, WorkerOptions options, ServiceLimits limits, WorkerShutdown shutdownSignal,
    ILogger<StyleJobRunner> log)
{
    /// <summary>Who holds the job in the store: this worker and this one execution (a runner is made per job), so a
    /// duplicate delivery inside the same process cannot take over a job that is still running.</summary>
    private readonly string _holder = $"{options.Name}/{Guid.NewGuid().ToString("N")[..6]}";
    private CancellationToken _hangfire;

    /// <summary>Stores a new job with its images and queues it for the workers: how every front end submits one.</summary>
    public static void Submit(IJobStore store, IBackgroundJobClient queue, JobRecord job, IReadOnlyDictionary<string, byte[]> images)
    {
        store.Create(job, images);
        Enqueue(queue, job.Id);
    }

    /// <summary>Queues the Hangfire job that runs the store's job <paramref name="jobId"/>.</summary>
    public static void Enqueue(IBackgroundJobClient queue, string jobId) => queue.Enqueue<StyleJobRunner>(runner => runner.Run(jobId, CancellationToken.None));

    /// <param name="jobId">The store's job id.</param>
    /// <param name="hangfire">Hangfire's token (it passes its own for this parameter).</param>
    /// <remarks>Stops early only when this process shuts down (<see cref="WorkerShutdown"/>): the job is checkpointed and
    /// given back, and the run ends with <see cref="OperationCanceledException"/> once Hangfire's token is set too, which
    /// Hangfire, stopping, answers by putting the job back in its queue. Hangfire's token alone does not stop the run:
    /// it also fires when Hangfire hands the job to another worker (a duplicate delivery), and the store's lease, not
    /// Hangfire, decides who runs a job.</remarks>
    [AutomaticRetry(Attempts = 0)] // a failure is recorded on the job; running it again would fail the same way
    public void Run(string jobId, CancellationToken hangfire)
    {
        _hangfire = hangfire;
        var shutdown = shutdownSignal.Token;
        var job = store.Get(jobId);
        if (job is null || job.State.IsTerminal()) return; // deleted or finished (e.g. a late duplicate delivery)
        if (!Claim(job, shutdown)) return;
        job = store.Get(jobId)!;
        try
        {
            Execute(job, shutdown);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            throw; // Hangfire puts the job back in the queue
        }
        catch (NeuralStyleException e)
        {
            store.Finish(jobId, JobState.Failed, UserMessage.OneLine(e.Message), new Dictionary<string, byte[]>());
        }
        catch (Exception e)
        {
            log.LogError(e, "job {Job} failed", jobId);
            store.Finish(jobId, JobState.Failed, $"internal error: {UserMessage.OneLine(e.Message)}", new Dictionary<string, byte[]>());
        }
    }

    /// <summary>Takes the job; while another live worker holds it, waits for that lease to run out (a redelivered
    /// job of a dead worker), and gives up when the holder keeps renewing it (a live duplicate).</summary>
    private bool Claim(JobRecord job, CancellationToken shutdown)
    {
        var deadline = Stopwatch.StartNew();
        while (!store.TryClaim(job.Id, _holder, options.Lease))
        {
            var now = store.Get(job.Id);
            if (now is null || now.State.IsTerminal()) return false;
            if (now.CancelRequested)
            {
                store.Finish(job.Id, JobState.Cancelled, null, new Dictionary<string, byte[]>());
                return false;
            }
            if (deadline.Elapsed > 3 * options.Lease) return false;
            shutdown.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            if (shutdown.IsCancellationRequested) StopForShutdown();
        }
        return true;
    }

    private void Execute(JobRecord job, CancellationToken shutdown)
    {
        using var session = OpenSession(job);
        var lastReport = Stopwatch.StartNew();
        var lastCheckpoint = Stopwatch.StartNew();
        var checkpointStep = session.StepsCompleted;
        var lastScale = -1;
        while (session.Step() is { } report)
        {
            if (shutdown.IsCancellationRequested)
            {
                Checkpoint(job, session);
                store.Release(job.Id, _holder);
                StopForShutdown();
            }
            var due = lastReport.Elapsed >= options.ProgressInterval || report.Scale != lastScale || session.IsFinished;
            if (due)
            {
                lastScale = report.Scale;
                lastReport.Restart();
                switch (store.Report(job.Id, _holder, Progress(session, report), session.EncodeCurrentImage(ImageFormat.Jpeg), options.Lease))
                {
                    case ReportOutcome.Lost:
                        // Deleted by its owner, or taken over by another worker after this one went silent too long.
                        if (store.Get(job.Id) is not null) log.LogWarning("job {Job} was taken over by another worker; stopping here", job.Id);
                        return;
                    case ReportOutcome.Cancel:
                        store.Finish(job.Id, JobState.Cancelled, null, new Dictionary<string, byte[]>());
                        return;
                }
            }
            var byTime = options.CheckpointInterval > TimeSpan.Zero && lastCheckpoint.Elapsed >= options.CheckpointInterval;
            var bySteps = options.CheckpointSteps > 0 && session.StepsCompleted - checkpointStep >= options.CheckpointSteps;
            if ((byTime || bySteps) && !session.IsFinished)
            {
                Checkpoint(job, session);
                checkpointStep = session.StepsCompleted;
                lastCheckpoint.Restart();
            }
        }
        using var result = session.Result();
        store.Finish(job.Id, JobState.Done, null, new Dictionary<string, byte[]>
        {
            [Blobs.Result] = ImageSaver.Encode(result.Image, ImageFormat.Png),
            [Blobs.Plot] = Plot(session.History),
        });
    }

    /// <summary>Ends the run for a shutdown, after Hangfire's own token is set (it follows ours within moments), so
    /// Hangfire sees a job interrupted by its stopping server and requeues it rather than calling it failed.</summary>
    private void StopForShutdown()
    {
        _hangfire.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
        throw new OperationCanceledException("the worker is shutting down", _hangfire);
    }

    /// <summary>A new session, or the stored checkpoint's (the settings it was started with, this worker's threads).</summary>
    private StyleTransferSession OpenSession(JobRecord job)
    {
        var inputs = JobInputs.Load(store, job);
        try
        {
            if (job.CheckpointStep > 0 && store.GetBlob(job.Id, Blobs.Checkpoint) is { } checkpoint)
            {
                using var file = new ScratchFile(job.Id);
                File.WriteAllBytes(file.Path, checkpoint);
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

    private static JobProgress Progress(StyleTransferSession session, IterationReport report)
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
        };
    }

    private static byte[] Plot(IReadOnlyList<IterationReport> history)
    {
        using var file = new ScratchFile("plot", ".png");
        LossPlot.Save(file.Path, history);
        return File.ReadAllBytes(file.Path);
    }
}
