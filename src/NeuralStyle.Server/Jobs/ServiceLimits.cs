namespace NeuralStyle.Server.Jobs;

/// <summary>What one client may ask of the service. Every limit is checked before a job is queued, and every limit that
/// needs no pixels before any image is decoded. Each server instance has its own (nothing here is global state).</summary>
public sealed record ServiceLimits
{
    /// <summary>The most bytes one upload request may carry (all its images together).</summary>
    public long MaxUploadBytes { get; init; } = 20_000_000;
    /// <summary>The most pixels an uploaded image may have (checked on its header: decompression bombs).</summary>
    public long MaxInputPixels { get; init; } = 40_000_000;
    /// <summary>The most pixels all images of one request may claim together (headers, before any is decoded).</summary>
    public long MaxRequestPixels { get; init; } = 60_000_000;
    /// <summary>The most pixels this server decodes at once, over all requests; a request waits its turn (see <see cref="DecodeWait"/>).</summary>
    public long MaxDecodingPixels { get; init; } = 80_000_000;
    /// <summary>How long a request waits for <see cref="MaxDecodingPixels"/> before it is refused with 503.</summary>
    public TimeSpan DecodeWait { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>An image's longest side over its shortest: beyond this a result of any size has a side of almost nothing.</summary>
    public double MaxAspectRatio { get; init; } = 20;
    /// <summary>The longest a form field's value may be (the job's settings are short words and numbers).</summary>
    public int MaxFieldLength { get; init; } = 1024;
    /// <summary>The largest result a job may ask for (longest side).</summary>
    public int MaxOutputSide { get; init; } = 2048;
    public int MaxIterations { get; init; } = 5000;
    /// <summary>The most paintings one job may blend.</summary>
    public int MaxPaintings { get; init; } = 4;
    /// <summary>The most jobs one client (its key) may have queued or running at once.</summary>
    public int MaxActiveJobsPerClient { get; init; } = 5;
    /// <summary>The most jobs one network address may have queued or running at once, over all its keys (a client can make
    /// new keys at will, not new addresses).</summary>
    public int MaxActiveJobsPerAddress { get; init; } = 20;
    /// <summary>Job submissions one client key, and one network address, may make per <see cref="RateWindow"/> (429 beyond).</summary>
    public int SubmissionsPerWindow { get; init; } = 30;
    /// <summary>Refused requests (400, 413, 415, 429) one network address may make per <see cref="RateWindow"/>; beyond it
    /// its submissions are refused unread until the window ends.</summary>
    public int RefusalsPerWindow { get; init; } = 30;
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(1);
}
