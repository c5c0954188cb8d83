using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NeuralStyle.Server.Storage;

namespace NeuralStyle.Server.Jobs;

/// <summary>
/// Store calls that wait out a database that is away (<see cref="TransientStoreError"/>): retried with a back-off
/// (0.2 s doubling to 2 s, so a returning server is noticed within seconds) for at most <paramref name="patience"/>,
/// then <see cref="StoreUnavailableException"/>: the caller stops without ending the job, which stays in the store
/// for the reaper (<see cref="Hosting.JobReaper"/>) to requeue once the database is back. A shutdown stops the wait at once.
/// </summary>
/// <param name="subject">What the calls are for, in messages ("job ID").</param>
public sealed class StoreRetry(string subject, TimeSpan patience, ILogger log, CancellationToken stop)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(2);

    public T Call<T>(string what, Func<T> call)
    {
        Stopwatch? since = null;
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                var result = call();
                if (since is not null) log.LogInformation("{Subject}: the database answered again after {Seconds:0.0} s ({What})", subject, since.Elapsed.TotalSeconds, what);
                return result;
            }
            catch (Exception e) when (TransientStoreError.Is(e))
            {
                if (since is null)
                {
                    since = Stopwatch.StartNew();
                    log.LogWarning("{Subject}: the database is unreachable ({What}: {Error}); retrying for up to {Patience:0} s", subject, what, UserMessage.OneLine(e.Message), patience.TotalSeconds);
                }
                if (since.Elapsed >= patience || stop.IsCancellationRequested)
                    throw new StoreUnavailableException($"the database was unreachable for {since.Elapsed.TotalSeconds:0} s ({what})", e);
                stop.WaitHandle.WaitOne(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
            }
        }
    }

    public void Call(string what, Action call) => Call(what, () =>
    {
        call();
        return true;
    });

    /// <summary>One try, for what may wait for its next occasion (a progress report, a checkpoint, a lease renewal):
    /// false when the database is away.</summary>
    public static bool TryOnce(Action call, ILogger log, string what)
    {
        try
        {
            call();
            return true;
        }
        catch (Exception e) when (TransientStoreError.Is(e))
        {
            log.LogDebug("{What} skipped, the database is unreachable: {Error}", what, UserMessage.OneLine(e.Message));
            return false;
        }
    }
}

/// <summary>The store stayed unreachable longer than a worker waits: the job is left as it is, for recovery.</summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
