using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>Builds the style term of a layer for a <see cref="StyleLossKind"/>, and the painting statistics it targets.</summary>
public static class StyleTerms
{
    /// <summary>The statistics a painting contributes at a layer: [Gram] or [mean, covariance]. New tensors;
    /// blending several paintings is a weighted sum of each.</summary>
    public static Tensor[] Statistics(StyleLossKind kind, Tensor features, LossNormalization normalization, bool activationSmoothing)
    {
        if (kind == StyleLossKind.Gram) return [GramStyleLoss.Gram(features, normalization, activationSmoothing)];
        var (mean, covariance) = GaussianStyleLoss.Statistics(features, activationSmoothing);
        return [mean, covariance];
    }

    public static IStyleTerm Create(StyleLossKind kind, string layer, double weight, Tensor[] statistics,
        LossNormalization normalization, bool activationSmoothing) => kind == StyleLossKind.Gram
        ? new GramStyleLoss(layer, weight, statistics[0], normalization, activationSmoothing)
        : new GaussianStyleLoss(kind, layer, weight, statistics[0], statistics[1], activationSmoothing);
}
