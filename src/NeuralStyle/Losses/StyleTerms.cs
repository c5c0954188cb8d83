using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>Builds the style term of a layer for a <see cref="StyleLossKind"/>, and the painting statistics it targets.</summary>
public static class StyleTerms
{
    /// <summary>The statistics a painting contributes at a layer: [Gram] or [mean, covariance]. New tensors;
    /// blending several paintings is a weighted sum of each.</summary>
    public static Tensor[] Statistics(StyleLossKind kind, Tensor features, LossNormalization normalization, bool activationSmoothing)
    {
        var sums = Sums(kind, features, activationSmoothing);
        try
        {
            return FromSums(kind, sums, MapShape.Of(features).Positions, normalization);
        }
        finally
        {
            foreach (var sum in sums) sum.Dispose();
        }
    }

    /// <summary>The sums over a piece of a map that <see cref="FromSums"/> turns into statistics (they add up over pieces).</summary>
    public static Tensor[] Sums(StyleLossKind kind, Tensor features, bool activationSmoothing) => kind == StyleLossKind.Gram
        ? [GramStyleLoss.GramSum(features, activationSmoothing)]
        : GaussianStyleLoss.MomentSums(features, activationSmoothing);

    /// <summary>Statistics from the whole map's sums (new tensors).</summary>
    public static Tensor[] FromSums(StyleLossKind kind, IReadOnlyList<Tensor> sums, long positions, LossNormalization normalization)
    {
        if (kind == StyleLossKind.Gram) return [GramStyleLoss.FromSum(sums[0], positions, normalization)];
        var (mean, covariance) = GaussianStyleLoss.FromSums(sums, positions);
        return [mean, covariance];
    }

    public static IStyleTerm Create(StyleLossKind kind, string layer, double weight, Tensor[] statistics,
        LossNormalization normalization, bool activationSmoothing) => kind == StyleLossKind.Gram
        ? new GramStyleLoss(layer, weight, statistics[0], normalization, activationSmoothing)
        : new GaussianStyleLoss(kind, layer, weight, statistics[0], statistics[1], activationSmoothing);
}
