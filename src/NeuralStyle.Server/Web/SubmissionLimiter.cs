using System.Threading.RateLimiting;
using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Server.Web;

/// <summary>
/// How often one client may submit jobs, and how often one network address may be refused, per
/// <see cref="ServiceLimits.RateWindow"/> (.NET's fixed-window rate limiters, partitioned by client key and by address).
/// One per server instance, made from its own limits: two servers in one process (the tests) share nothing.
/// Checked before the request body is read, so a client over its limit costs a header's worth of work.
/// </summary>
public sealed class SubmissionLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _submissions;
    private readonly PartitionedRateLimiter<string> _refusals;
    private readonly TimeSpan _window;

    public SubmissionLimiter(ServiceLimits limits)
    {
        _window = limits.RateWindow;
        _submissions = Windowed(limits.SubmissionsPerWindow, limits.RateWindow);
        _refusals = Windowed(limits.RefusalsPerWindow, limits.RateWindow);
    }

    /// <summary>Null when the submission may go on (it is counted), else how long the client should wait.</summary>
    public TimeSpan? TrySubmit(string owner, string address)
    {
        // An address over its refusal limit is refused without a look at what it sends (and without counting it again).
        if (Exhausted(_refusals, address)) return _window;
        using var byAddress = _submissions.AttemptAcquire($"address:{address}");
        if (!byAddress.IsAcquired) return RetryAfter(byAddress);
        using var byOwner = _submissions.AttemptAcquire($"owner:{owner}");
        return byOwner.IsAcquired ? null : RetryAfter(byOwner);
    }

    /// <summary>Counts a refused request against its address.</summary>
    public void Refused(string address)
    {
        using var _ = _refusals.AttemptAcquire(address);
    }

    private static bool Exhausted(PartitionedRateLimiter<string> limiter, string key) =>
        limiter.GetStatistics(key) is { CurrentAvailablePermits: <= 0 };

    private TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : _window;

    private static PartitionedRateLimiter<string> Windowed(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true,
        }));

    public void Dispose()
    {
        _submissions.Dispose();
        _refusals.Dispose();
    }
}
