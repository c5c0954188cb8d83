using TorchSharp;

namespace NeuralStyle.Runtime;

/// <summary>
/// libtorch's intra-op thread count is process-wide, and changing it while another thread is inside a parallel
/// operator trips libtorch's internal asserts ("Expected false to be true", seen in CI when one session asked for
/// one thread while another, in the same process, was stepping with two). Sessions therefore compute inside
/// <see cref="Computing"/> (any number at once) and change the count with <see cref="Set"/>, which waits until no
/// session is computing.
/// </summary>
public static class TorchThreads
{
    private static readonly ReaderWriterLockSlim Gate = new(LockRecursionPolicy.SupportsRecursion);

    /// <summary>Sets the thread count (if it differs) once no session is computing.</summary>
    public static void Set(int threads)
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

    /// <summary>Holds off <see cref="Set"/> while the returned scope lives.</summary>
    public static IDisposable Computing()
    {
        Gate.EnterReadLock();
        return new Scope();
    }

    private sealed class Scope : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            Gate.ExitReadLock();
        }
    }
}
