using System.Runtime.CompilerServices;

namespace NeuralStyle.Runtime;

/// <summary>Process settings the library needs before libtorch loads, for every program that uses it, not
/// only the CLI: a consuming program that never set OMP_WAIT_POLICY ran its steps many times slower on a
/// busy 2-vCPU machine (spinning OpenMP threads, see <see cref="OpenMpWaitPolicy"/>).</summary>
internal static class LibraryInitializer
{
#pragma warning disable CA2255 // a library module initializer on purpose: it must run before TorchSharp loads libgomp
    [ModuleInitializer]
    internal static void Initialize() => OpenMpWaitPolicy.PreferPassive();
#pragma warning restore CA2255
}
