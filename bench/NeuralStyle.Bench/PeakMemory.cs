using NeuralStyle.Runtime;

namespace NeuralStyle.Bench;

/// <summary>
/// Peak resident memory of this process (Linux VmHWM), with a reset so each benchmark case gets its
/// own peak instead of the largest so far. Most memory here is libtorch's native heap, which the .NET
/// GC counters never see, hence the kernel's figure.
/// </summary>
public static class PeakMemory
{
    /// <summary>Resets the peak to the current resident size (writing 5 to clear_refs, Linux ≥ 4.0).</summary>
    public static void Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* peak then covers the whole process */ }
    }

    /// <summary>Peak resident set size in MiB, or null where /proc is unavailable.</summary>
    public static double? ReadMiB() => ProcFile.ReadKilobytesAsBytes("/proc/self/status", "VmHWM") / (1024.0 * 1024.0);
}
