using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>
/// The style term of one layer: how far the target image's Gram matrix is from the painting's.
/// Holds the painting's Gram matrix A, computed once; see <see cref="LossNormalization"/> for the formulas.
/// </summary>
public sealed class GramStyleLoss : IStyleTerm
{
    private readonly Tensor _target;
    private readonly double _targetScale;

    public string Layer { get; }
    public double Weight { get; }
    public LossNormalization Normalization { get; }
    public bool ActivationSmoothing { get; }

    /// <param name="targetGram">A, as <see cref="Gram"/> computes it for these options; copied.</param>
    public GramStyleLoss(string layer, double weight, Tensor targetGram, LossNormalization normalization, bool activationSmoothing = false)
    {
        Layer = layer;
        Weight = weight;
        Normalization = normalization;
        ActivationSmoothing = activationSmoothing;
        _target = targetGram.detach().clone().DetachFromDisposeScope(); // lives as long as this loss, not the caller's scope
        // A relative error divides by ‖A‖²; the floor keeps an all-zero target (a blank painting) finite.
        _targetScale = normalization == LossNormalization.ScaleFree
            ? 1.0 / Math.Max(_target.square().mean().item<float>(), 1e-12)
            : 1.0;
    }

    /// <summary>The Gram matrix of a layer output under this loss's normalisation.</summary>
    /// <param name="activationSmoothing">Softmax over channels first (Wang et al., CVPR 2021): a few
    /// huge activations, typical of ResNets, otherwise dominate the Gram matrix.</param>
    public static Tensor Gram(Tensor features, LossNormalization normalization, bool activationSmoothing = false)
    {
        using var sum = GramSum(features, activationSmoothing);
        return FromSum(sum, MapShape.Of(features).Positions, normalization);
    }

    /// <summary>Σ F·Fᵀ over the positions of a piece of a map (unnormalised).</summary>
    public static Tensor GramSum(Tensor features, bool activationSmoothing)
    {
        if (!activationSmoothing) return GramMatrix.Compute(features, averageOverPositions: false);
        using var smoothed = features.softmax(dim: -3);
        return GramMatrix.Compute(smoothed, averageOverPositions: false);
    }

    /// <summary>The Gram matrix from the whole map's Σ F·Fᵀ: averaged over positions when scale-free.</summary>
    public static Tensor FromSum(Tensor sum, long positions, LossNormalization normalization) =>
        normalization == LossNormalization.ScaleFree ? sum.div(positions) : sum.alias();

    public Tensor[] Sums(Tensor features, CellWindow window) => [GramSum(features, ActivationSmoothing)];

    public Tensor Loss(IReadOnlyList<Tensor> sums, MapShape whole)
    {
        using var scope = torch.NewDisposeScope();
        var gram = FromSum(sums[0], whole.Positions, Normalization);
        var meanSquaredError = (gram - _target).square().mean();
        var scale = Normalization == LossNormalization.Tutorial
            ? 1.0 / (whole.Channels * whole.Positions) // C·H·W of the target
            : _targetScale;
        return meanSquaredError.mul(Weight * scale).MoveToOuterDisposeScope();
    }

    /// <summary>The weighted style term w·loss for the target image's features at this layer.</summary>
    public Tensor Evaluate(Tensor features) => this.EvaluateWhole(features);

    public void Dispose() => _target.Dispose();
}
