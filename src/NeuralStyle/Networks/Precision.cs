using static TorchSharp.torch;

namespace NeuralStyle.Networks;

/// <summary>Number format of the feature network's weights and activations (<c>--precision</c>).
/// Gram matrices, losses and the optimised image always stay float32.</summary>
public enum Precision
{
    /// <summary>bf16 where the CPU computes it natively (see <see cref="PrecisionChoice.CpuHasNativeBf16"/>), else fp32.</summary>
    Auto,
    Fp32,
    Bf16,
}

public static class PrecisionChoice
{
    private static readonly Lazy<bool> NativeBf16 = new(() => FlagsHaveNativeBf16(ReadCpuFlags()));

    /// <summary>
    /// True when /proc/cpuinfo lists amx_bf16 or avx512_bf16. Without them libtorch still runs bf16,
    /// but emulated: measured on an AVX2-only AMD EPYC, a VGG19 forward pass (to relu5_1, 256²) in bf16
    /// was more than 20× slower than in fp32 and a ResNet18 step 1.4× slower, so <see cref="Precision.Auto"/>
    /// must not pick bf16 there.
    /// </summary>
    public static bool CpuHasNativeBf16 => NativeBf16.Value;

    /// <summary>The flags test on its own, for tests and other machines' cpuinfo lines.</summary>
    public static bool FlagsHaveNativeBf16(IEnumerable<string> flags) =>
        flags.Any(f => f is "amx_bf16" or "avx512_bf16");

    /// <summary>The dtype the network computes in: auto → bf16 only with native bf16 instructions.</summary>
    public static ScalarType ComputeType(Precision precision) => precision switch
    {
        Precision.Bf16 => ScalarType.BFloat16,
        Precision.Auto when CpuHasNativeBf16 => ScalarType.BFloat16,
        _ => ScalarType.Float32,
    };

    public static Precision Parse(string text, string option = "--precision") => text.Trim().ToLowerInvariant() switch
    {
        "auto" => Precision.Auto,
        "fp32" or "float32" => Precision.Fp32,
        "bf16" or "bfloat16" => Precision.Bf16,
        _ => throw new NeuralStyleException($"{option} must be auto, fp32 or bf16, not '{text}'"),
    };

    public static string Format(Precision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>What actually runs, for the run's header: "bf16", "fp32", or for auto which one it chose and why.</summary>
    public static string Describe(Precision precision) => precision switch
    {
        Precision.Auto => CpuHasNativeBf16 ? "bf16 (auto: this CPU has native bf16)" : "fp32 (auto: no native bf16 on this CPU)",
        _ => Format(precision),
    };

    private static IEnumerable<string> ReadCpuFlags()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return line is null ? [] : line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // not Linux, or no /proc: stay with fp32
        }
    }
}
