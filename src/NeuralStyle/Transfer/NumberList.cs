using System.Globalization;

namespace NeuralStyle.Transfer;

/// <summary>Parses the comma lists of numbers that per-style options take (<c>--style-blend 0.7,0.3</c>).</summary>
public static class NumberList
{
    /// <param name="option">The option's name, for the one-line error.</param>
    public static IReadOnlyList<double> Parse(string option, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new List<double>(parts.Length);
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw new NeuralStyleException($"{option}: '{part}' in '{text}' is not a number");
            result.Add(value);
        }
        return result;
    }

    /// <summary>Comma-separated whole numbers ≥ 0, such as step counts.</summary>
    public static IReadOnlyList<int> Counts(string option, string text) => text.Split(',', StringSplitOptions.TrimEntries)
        .Select(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new NeuralStyleException($"{option}: '{part}' in '{text}' is not a whole number ≥ 0"))
        .ToList();
}
