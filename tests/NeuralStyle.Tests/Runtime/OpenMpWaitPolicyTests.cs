using System.Runtime.InteropServices;
using NeuralStyle.Runtime;

namespace NeuralStyle.Tests.Runtime;

/// <summary>PreferPassive sets the native environment (what libgomp reads), not just .NET's copy.</summary>
public class OpenMpWaitPolicyTests
{
    [SkippableFact]
    public void SetsPassiveInTheNativeEnvironmentUnlessTheUserChose()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var userChoice = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        OpenMpWaitPolicy.PreferPassive();
        var native = Marshal.PtrToStringAnsi(getenv("OMP_WAIT_POLICY"));
        Assert.Equal(userChoice ?? "passive", native);
    }

    [DllImport("libc")]
    private static extern IntPtr getenv(string name);
}
