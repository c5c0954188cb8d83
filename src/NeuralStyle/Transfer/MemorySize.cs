using System.Globalization;
using System.Text.RegularExpressions;

namespace NeuralStyle.Transfer;

/// <summary>Memory sizes as people write them: 4GiB, 512MiB, 4G, 1.5GB (G/GB/GiB all mean 2^30 here, as
/// memory is counted in powers of two), or plain bytes.</summary>
public static partial class MemorySize
{
    /// <summary>Bytes, or null when <paramref name="text"/> is no size.</summary>
    public static long? TryParse(string text)
    {
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return null;
        var shift = char.ToUpperInvariant(match.Groups[2].Value.FirstOrDefault()) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            _ => 0,
        };
        var bytes = number * Math.Pow(2, shift);
        return double.IsFinite(bytes) && bytes >= 0 && bytes < long.MaxValue / 2 ? (long)bytes : null;
    }

    /// <summary>"3.8 GiB", "512 MiB".</summary>
    public static string Format(double bytes) => bytes >= 1L << 30
        ? (bytes / (1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB";

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([KMGT](?:i?B)?|B)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
