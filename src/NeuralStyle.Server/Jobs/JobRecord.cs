namespace NeuralStyle.Server.Jobs;

/// <summary>A job as the store keeps it: what was asked, by whom, and how far it has got. Images (inputs,
/// preview, checkpoint, result) are kept beside it as named blobs (<see cref="Blobs"/>).</summary>
public sealed record JobRecord
{
    public required string Id { get; init; }
    /// <summary>Whose gallery it is in: the page's random client key, or the network address without one.</summary>
    public required string Owner { get; init; }
    /// <summary>The network address that created it (the per-client queue limit counts these).</summary>
    public required string Address { get; init; }
    public required JobRequest Request { get; init; }
    /// <summary>The uploaded files' names, photo first (shown in the gallery; never used as paths).</summary>
    public required IReadOnlyList<string> InputNames { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Updated { get; init; }
    public JobState State { get; init; }
    public JobProgress Progress { get; init; } = JobProgress.None;
    /// <summary>Bumped with every new preview image, so a page fetches it only when it changed.</summary>
    public int PreviewVersion { get; init; }
    /// <summary>The step of the stored checkpoint (0 = none).</summary>
    public int CheckpointStep { get; init; }
    public string? Error { get; init; }
    public bool CancelRequested { get; init; }
    /// <summary>The worker that holds the job, and until when (it renews this with every progress report).</summary>
    public string? Worker { get; init; }
    public DateTimeOffset LeaseUntil { get; init; }
    /// <summary>Running, but its holder has not renewed the lease in time (by the store's clock): the worker died or lost
    /// the store, and the job waits to be resumed from its checkpoint.</summary>
    public bool LeaseLapsed { get; init; }
    /// <summary>Workers that have started it (1 = never interrupted).</summary>
    public int Attempts { get; init; }
}

/// <summary>How far a running job is: steps, the scale under way, losses, time.</summary>
public sealed record JobProgress
{
    public static readonly JobProgress None = new();

    public int Step { get; init; }
    public int TotalSteps { get; init; }
    public int Scale { get; init; }
    public int Scales { get; init; }
    /// <summary>Longest side of the scale under way.</summary>
    public int Side { get; init; }
    public double ElapsedSeconds { get; init; }
    public double? EtaSeconds { get; init; }
    /// <summary>The step the run under way started from: the checkpoint it resumed (0 = from the beginning). Not the
    /// job's <see cref="JobRecord.CheckpointStep"/>, which moves on with every checkpoint the run makes after it.</summary>
    public int ResumedFrom { get; init; }
    /// <summary>The loss curve so far: at most <see cref="LossCurve.MaxPoints"/> points, evenly thinned.</summary>
    public IReadOnlyList<LossPoint> Losses { get; init; } = [];
}

/// <summary>One point of the loss curve.</summary>
public sealed record LossPoint(int Step, double Total, double Content, double Style, double Tv);

/// <summary>The blob names a job has.</summary>
public static class Blobs
{
    public const string Photo = "photo";
    public static string Painting(int index) => $"painting-{index}";
    /// <summary>The job's images in the order of <see cref="JobRecord.InputNames"/>: 0 the photo, 1… the paintings.</summary>
    public static string Input(int index) => index == 0 ? Photo : Painting(index - 1);

    /// <summary>A new job's images as blobs, in the order of its <see cref="JobRecord.InputNames"/> (photo first).</summary>
    public static Dictionary<string, byte[]> OfInputs(IReadOnlyList<byte[]> images) =>
        images.Select((bytes, i) => (Input(i), bytes)).ToDictionary();
    public const string Preview = "preview";
    public const string Checkpoint = "checkpoint";
    public const string Result = "result";
    public const string Plot = "plot";
}
