using NeuralStyle.Runtime;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Runtime;

/// <summary>/proc "Key: value kB" lines, including the large values that follow the tab with no space.</summary>
public class ProcFileTests
{
    [Fact]
    public void ReadsPaddedAndUnpaddedValues()
    {
        using var folder = new TempFolder();
        var status = folder.File("status");
        // What /proc/self/status held at 11 GiB peak: the value fills its column, so no space follows the tab.
        File.WriteAllText(status, "Name:\tneural-style\nVmPeak:\t  688000 kB\nVmHWM:\t11492260 kB\n");
        Assert.Equal(11492260L * 1024, ProcFile.ReadKilobytesAsBytes(status, "VmHWM"));
        Assert.Equal(688000L * 1024, ProcFile.ReadKilobytesAsBytes(status, "VmPeak"));
        Assert.Null(ProcFile.ReadKilobytesAsBytes(status, "VmRSS"));
        Assert.Null(ProcFile.ReadKilobytesAsBytes(status, "Name")); // not a number
        Assert.Null(ProcFile.ReadKilobytesAsBytes(folder.File("missing"), "VmHWM"));
    }

    [Fact]
    public void ThisMachineReportsItsAvailableMemory()
    {
        var available = ProcFile.ReadKilobytesAsBytes("/proc/meminfo", "MemAvailable");
        Assert.NotNull(available);
        Assert.InRange(available.Value, 1L << 20, 1L << 50);
    }
}
