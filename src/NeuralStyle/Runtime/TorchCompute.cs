using System.Runtime;
using TorchSharp;

namespace NeuralStyle.Runtime;

/// <summary>
/// The one place sessions bracket their libtorch work (<see cref="Computing"/>), for two process-wide hazards:
/// <list type="bullet">
/// <item>libtorch's intra-op thread count is process-wide, and changing it while another thread is inside a parallel
/// operator trips libtorch's internal asserts ("Expected false to be true", seen in CI when one session asked for one
/// thread while another, in the same process, was stepping with two). <see cref="SetThreads"/> waits until no session computes.</item>
/// <item>TorchSharp turns every number it passes to libtorch into a <c>Scalar</c> with a finalizer, including the
/// hidden alpha = 1 of each tensor addition, and keeps no reference to it during the native call. A garbage
/// collection started by any other thread can then finalize, i.e. free, the Scalar while libtorch reads it
/// (dotnet/TorchSharp PRs 1434 and 1496 are about these Scalars). In a web server, whose requests allocate all the
/// time, that ended jobs with "Expected false to be true" from <c>Scalar::toFloat</c> in about one run in five of the
/// serve-load bench. While sessions compute, the process therefore runs in a no-GC region (a bounded allocation
/// budget reserved up front); collections, and so finalizers, run between steps.</item>
/// </list>
/// </summary>
public static class TorchCompute
{
    /// <summary>Managed allocation a region may take before the runtime collects anyway (a step allocates a few MB of
    /// tensor wrappers; loading a network much more, which simply ends the region early).</summary>
    private const long NoGcBudget = 64L << 20;

    private static readonly ReaderWriterLockSlim Gate = new(LockRecursionPolicy.SupportsRecursion);
    private static readonly Lock RegionLock = new();
    private static int _computing;

    /// <summary>Sets the thread count (if it differs) once no session is computing.</summary>
    public static void SetThreads(int threads)
    {
        if (threads <= 0 || torch.get_num_threads() == threads) return;
        Gate.EnterWriteLock();
        try
        {
            if (torch.get_num_threads() != threads) torch.set_num_threads(threads);
        }
        finally
        {
            Gate.ExitWriteLock();
        }
    }

    /// <summary>Holds off <see cref="SetThreads"/> and garbage collection (within the budget) while the returned scope lives.</summary>
    public static IDisposable Computing()
    {
        Gate.EnterReadLock();
        lock (RegionLock)
        {
            if (_computing++ == 0) StartNoGcRegion();
        }
        return new Scope();
    }

    private static void StartNoGcRegion()
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return;
        try
        {
            GC.TryStartNoGCRegion(NoGcBudget);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            // Another part of the process manages regions, or the budget is refused: compute without one.
        }
    }

    private static void EndNoGcRegion()
    {
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return; // already ended: the budget ran out
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The runtime ended it in between (a collection happened).
        }
    }

    private sealed class Scope : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            lock (RegionLock)
            {
                if (--_computing == 0) EndNoGcRegion();
            }
            Gate.ExitReadLock();
        }
    }
}
