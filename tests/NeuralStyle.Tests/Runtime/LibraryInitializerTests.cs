using System.Runtime.InteropServices;

namespace NeuralStyle.Tests.Runtime;

/// <summary>Any program that loads the library gets OpenMP's passive wait policy, not only the CLI.</summary>
public class LibraryInitializerTests
{
    [Fact]
    public void LoadingTheLibrarySetsThePassiveWaitPolicyInTheNativeEnvironment()
    {
        // Touch a library type so its module initializer has run (it already has in this test process).
        _ = typeof(NeuralStyle.Transfer.Presets).Assembly;
        var preset = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"); // .NET's copy: what the user set
        var native = Marshal.PtrToStringAnsi(getenv("OMP_WAIT_POLICY"));
        Assert.Equal(preset ?? "passive", native);
    }

    [DllImport("libc")]
    private static extern IntPtr getenv(string name);
}
