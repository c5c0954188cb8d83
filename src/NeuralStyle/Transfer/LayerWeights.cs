using System.Globalization;

namespace NeuralStyle.Transfer;

/// <summary>A style layer and its own weight w_l.</summary>
public sealed record LayerWeight(string Layer, double Weight);

/// <summary>Parses and prints the <c>--style-layers conv1_1=1,conv2_1=0.75</c> form.</summary>
public static class LayerWeights
{
    /// <summary>A layer given without "=w" gets weight 1.</summary>
    public static IReadOnlyList<LayerWeight> Parse(string text)
    {
        var result = new List<LayerWeight>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var weight = 1.0;
            if (pieces.Length == 2 && !double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out weight))
                throw new NeuralStyleException($"--style-layers: '{pieces[1]}' in '{part}' is not a number");
            if (pieces[0].Length == 0)
                throw new NeuralStyleException($"--style-layers: '{part}' has no layer name");
            if (!double.IsFinite(weight) || weight < 0)
                throw new NeuralStyleException($"--style-layers: weight of {pieces[0]} must be a finite number ≥ 0");
            if (result.Any(l => l.Layer == pieces[0]))
                throw new NeuralStyleException($"--style-layers: {pieces[0]} is listed twice");
            result.Add(new LayerWeight(pieces[0], weight));
        }
        if (result.Count == 0) throw new NeuralStyleException("--style-layers: give at least one layer, e.g. conv1_1=1,conv2_1=0.75");
        return result;
    }

    public static string Format(IEnumerable<LayerWeight> layers) =>
        string.Join(",", layers.Select(l => $"{l.Layer}={l.Weight.ToString("G", CultureInfo.InvariantCulture)}"));
}
