using System.Runtime.InteropServices;

namespace NeuralStyle.Runtime;

/// <summary>
/// Gives the native heap's free memory back to the system. libtorch allocates tensors with glibc's malloc, which
/// keeps freed blocks below its mmap threshold (up to 32 MiB) for reuse; after a scale of a print-size run those
/// are hundreds of MiB that the next, larger scale cannot use, and they counted against the memory budget (a
/// 4096 px run in a 4 GiB budget peaked at 5.5 GiB). <c>malloc_trim</c> returns them. Elsewhere (another libc)
/// this does nothing.
/// </summary>
internal static class NativeHeap
{
    private static bool _unavailable;

    public static void Trim()
    {
        if (_unavailable || !OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true; // not glibc
        }
    }

    // DllImport, not LibraryImport: the latter needs unsafe code enabled for the whole library, for one call with
    // blittable arguments.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}
