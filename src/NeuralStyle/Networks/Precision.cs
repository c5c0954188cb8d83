using static TorchSharp.torch;

namespace NeuralStyle.Networks;

/// <summary>Number format of the feature network's weights and activations (<c>--precision</c>).
/// Gram matrices, losses and the optimised image always stay float32.</summary>
public enum Precision
{
    /// <summary>bf16 where the CPU computes it natively (see <see cref="PrecisionChoice.CpuRunsBf16Faster"/>), else fp32.</summary>
    Auto,
    Fp32,
    Bf16,
}

public static class PrecisionChoice
{
    private static readonly Lazy<bool> NativeBf16 = new(() => CpuFavoursBf16(ReadCpuInfo("vendor_id"), ReadCpuFlags()));

    /// <summary>
    /// True where bf16 was measured faster than fp32 for the default picture. Without native bf16 instructions
    /// libtorch emulates it: on an AVX2-only AMD EPYC a VGG19 forward pass (to relu5_1, 256²) in bf16 was more
    /// than 20× slower than fp32 and a ResNet18 step 1.4× slower. With them it depends on the CPU, not only on the
    /// flag: the default 512 px picture took 36 s in bf16 against 47 s fp32 on an AMD EPYC with avx512_bf16, but
    /// 73 s in bf16 against 56 s fp32 on an Intel Xeon with avx512_bf16 and no AMX (README, "Speed of the
    /// default"). So <see cref="Precision.Auto"/> picks bf16 only with AMX (the outside probe's Sapphire Rapids:
    /// 1.0 s against 2.7 s) or with avx512_bf16 on AMD.
    /// </summary>
    public static bool CpuRunsBf16Faster => NativeBf16.Value;

    /// <summary>The test on its own, for tests and other machines' cpuinfo lines.</summary>
    public static bool CpuFavoursBf16(string vendor, IEnumerable<string> flags)
    {
        var set = flags.ToHashSet(StringComparer.Ordinal);
        return set.Contains("amx_bf16") || (vendor == "AuthenticAMD" && set.Contains("avx512_bf16"));
    }

    /// <summary>The dtype the network computes in: auto → bf16 only where it is faster (see <see cref="CpuRunsBf16Faster"/>).</summary>
    public static ScalarType ComputeType(Precision precision) => precision switch
    {
        Precision.Bf16 => ScalarType.BFloat16,
        Precision.Auto when CpuRunsBf16Faster => ScalarType.BFloat16,
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
        Precision.Auto => CpuRunsBf16Faster ? "bf16 (auto: this CPU runs bf16 faster)" : "fp32 (auto: bf16 is not faster on this CPU)",
        _ => Format(precision),
    };

    private static IEnumerable<string> ReadCpuFlags() =>
        ReadCpuInfo("flags").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The first value of a /proc/cpuinfo field, or "" (not Linux, or no /proc: auto stays with fp32).</summary>
    private static string ReadCpuInfo(string field)
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal)
                && l.AsSpan(field.Length).TrimStart(" \t").StartsWith(":"));
            return line is null ? "" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
