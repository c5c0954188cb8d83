using System.Threading.RateLimiting;
using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Server.Web;

/// <summary>
/// The pixels this server decodes at once, over all requests (<see cref="ServiceLimits.MaxDecodingPixels"/>): a request
/// takes its images' megapixels before decoding and gives them back after, waiting in line (at most
/// <see cref="ServiceLimits.DecodeWait"/>) while others decode. So six parallel bombs cost what one budget allows, not six.
/// One per server instance.
/// </summary>
public sealed class DecodeGate(ServiceLimits limits) : IDisposable
{
    private readonly int _capacity = Megapixels(limits.MaxDecodingPixels);

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Megapixels(limits.MaxDecodingPixels), QueueLimit = 1_000_000, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Megapixels decoded since the server started (what tests and operators can check).</summary>
    public long MegapixelsDecoded => Interlocked.Read(ref _decoded);

    private long _decoded;

    /// <summary>Holds <paramref name="pixels"/> of the budget while the returned lease lives; throws when the wait runs out.</summary>
    public async Task<IDisposable> EnterAsync(long pixels, CancellationToken cancellation)
    {
        var permits = Math.Min(_capacity, Megapixels(pixels));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(limits.DecodeWait);
        RateLimitLease lease;
        try
        {
            lease = await _limiter.AcquireAsync(permits, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new ServerBusyException("the server is busy checking other uploads; try again in a moment");
        }
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new ServerBusyException("the server is busy checking other uploads; try again in a moment");
        }
        Interlocked.Add(ref _decoded, permits);
        return lease;
    }

    private static int Megapixels(long pixels) => (int)Math.Clamp((pixels + 999_999) / 1_000_000, 1, int.MaxValue);

    public void Dispose() => _limiter.Dispose();
}

/// <summary>The server cannot take the request now (503), though it may later.</summary>
public sealed class ServerBusyException(string message) : Exception(message);
