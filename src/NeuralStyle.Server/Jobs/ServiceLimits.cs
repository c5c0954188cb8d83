namespace NeuralStyle.Server.Jobs;

/// <summary>What one client may ask of the service. Every limit is checked before a job is queued.</summary>
public sealed record ServiceLimits
{
    /// <summary>The most bytes one upload request may carry (all its images together).</summary>
    public long MaxUploadBytes { get; init; } = 20_000_000;
    /// <summary>The most pixels an uploaded image may have (checked on its header: decompression bombs).</summary>
    public long MaxInputPixels { get; init; } = 40_000_000;
    /// <summary>The largest result a job may ask for (longest side).</summary>
    public int MaxOutputSide { get; init; } = 2048;
    public int MaxIterations { get; init; } = 5000;
    /// <summary>The most paintings one job may blend.</summary>
    public int MaxPaintings { get; init; } = 4;
    /// <summary>The most jobs one client (network address) may have queued or running at once.</summary>
    public int MaxActiveJobsPerClient { get; init; } = 5;
}
