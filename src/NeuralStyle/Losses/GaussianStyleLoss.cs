using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>
/// Style terms that compare Gaussian fits N(μ, Σ) of a layer's features (each position a sample of C
/// channels): <see cref="StyleLossKind.MeanCov"/> and <see cref="StyleLossKind.Wasserstein"/>. Both are
/// relative errors, like the scale-free Gram term, so they start near 1 whatever the layer.
/// </summary>
public sealed class GaussianStyleLoss : IStyleTerm
{
    private readonly StyleLossKind _kind;
    private readonly bool _smoothing;
    private readonly Tensor _mean, _covariance; // the painting's statistics
    private readonly Tensor? _covarianceRoot;   // Σs^½, Wasserstein only, computed once
    private readonly double _meanScale, _covarianceScale, _distanceScale;

    public string Layer { get; }
    public double Weight { get; }

    /// <summary>Newton–Schulz steps for the square root; 20 brings eigenvalues down to ~1e-6 of the
    /// largest within a few per cent of their root, enough for a loss (a gradient is exact for the
    /// iteration it differentiates).</summary>
    public const int NewtonSchulzSteps = 20;

    /// <param name="targetMean">[C], the painting's feature mean (possibly a blend); copied.</param>
    /// <param name="targetCovariance">[C,C], its covariance; copied.</param>
    public GaussianStyleLoss(StyleLossKind kind, string layer, double weight, Tensor targetMean, Tensor targetCovariance,
        bool activationSmoothing = false)
    {
        if (kind == StyleLossKind.Gram) throw new ArgumentException("Gram terms are GramStyleLoss", nameof(kind));
        _kind = kind;
        Layer = layer;
        Weight = weight;
        _smoothing = activationSmoothing;
        _mean = targetMean.detach().clone().DetachFromDisposeScope();
        _covariance = targetCovariance.detach().clone().DetachFromDisposeScope();
        using var scope = torch.NewDisposeScope();
        // Floors keep a blank painting (all-zero statistics) finite.
        _meanScale = 1.0 / Math.Max(Scalar(_mean.square().mean()), 1e-12);
        _covarianceScale = 1.0 / Math.Max(Scalar(_covariance.square().mean()), 1e-12);
        if (kind == StyleLossKind.Wasserstein)
        {
            _covarianceRoot = SymmetricSquareRoot(_covariance).DetachFromDisposeScope();
            // W2² of the painting from a point mass at 0: the natural size to measure errors against.
            _distanceScale = 1.0 / Math.Max(Scalar(_mean.square().sum() + _covariance.trace()), 1e-12);
        }
    }

    /// <summary>Mean [C] and covariance [C,C] (divided by H·W) of a layer output [1,C,H,W], in its dtype.</summary>
    public static (Tensor Mean, Tensor Covariance) Statistics(Tensor features, bool activationSmoothing = false)
    {
        using var scope = torch.NewDisposeScope();
        var (mean, covariance) = FromSums(MomentSums(features, activationSmoothing), MapShape.Of(features).Positions);
        return (mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    /// <summary>[Σ F, Σ F·Fᵀ] over the positions of a piece of a map: the raw moments, which add up over pieces.</summary>
    public static Tensor[] MomentSums(Tensor features, bool activationSmoothing)
    {
        using var scope = torch.NewDisposeScope();
        var source = activationSmoothing ? features.softmax(dim: -3) : features;
        var (channels, positions) = GramMatrix.ChannelsAndPositions(source);
        var sum = source.reshape(channels, positions).sum(1);
        var products = GramMatrix.Compute(source, averageOverPositions: false);
        return [sum.MoveToOuterDisposeScope(), products.MoveToOuterDisposeScope()];
    }

    /// <summary>Mean and covariance from the whole map's raw moments: μ = ΣF/N, Σ = ΣF·Fᵀ/N − μμᵀ. The subtraction
    /// runs in float64, as the two sides agree to several digits when the mean is large against the spread.</summary>
    public static (Tensor Mean, Tensor Covariance) FromSums(IReadOnlyList<Tensor> sums, long positions)
    {
        using var scope = torch.NewDisposeScope();
        var type = sums[0].dtype;
        var mean = sums[0].to(ScalarType.Float64).div(positions);
        var covariance = sums[1].to(ScalarType.Float64).div(positions) - mean.unsqueeze(1).matmul(mean.unsqueeze(0));
        return (mean.to(type).MoveToOuterDisposeScope(), covariance.to(type).MoveToOuterDisposeScope());
    }

    public Tensor[] Sums(Tensor features, CellWindow window) => MomentSums(features, _smoothing);

    public Tensor Loss(IReadOnlyList<Tensor> sums, MapShape whole)
    {
        using var scope = torch.NewDisposeScope();
        var (mean, covariance) = FromSums(sums, whole.Positions);
        Tensor loss;
        if (_kind == StyleLossKind.MeanCov)
        {
            loss = (mean - _mean).square().mean().mul(_meanScale) + (covariance - _covariance).square().mean().mul(_covarianceScale);
        }
        else
        {
            // W2² = ‖μ−μs‖² + tr Σ + tr Σs − 2·tr((Σs^½ Σ Σs^½)^½)
            var inner = _covarianceRoot!.matmul(covariance).matmul(_covarianceRoot!);
            var cross = NewtonSchulzSquareRoot(inner, NewtonSchulzSteps).trace();
            loss = ((mean - _mean).square().sum() + covariance.trace() + _covariance.trace() - cross.mul(2)).mul(_distanceScale);
        }
        return loss.mul(Weight).MoveToOuterDisposeScope();
    }

    public Tensor Evaluate(Tensor features) => this.EvaluateWhole(features);

    /// <summary>
    /// The square root of a symmetric positive semi-definite matrix by the coupled Newton–Schulz iteration
    /// (Higham 2008): only matrix products, so autograd differentiates it and it runs at matmul speed,
    /// where eigendecomposition gradients blow up on the repeated eigenvalues real feature covariances have.
    /// The matrix is first divided by its Frobenius norm, which puts every eigenvalue in [0,1], where the
    /// iteration converges.
    /// </summary>
    public static Tensor NewtonSchulzSquareRoot(Tensor a, int steps)
    {
        using var scope = torch.NewDisposeScope();
        var n = a.shape[0];
        var norm = a.square().sum().sqrt().clamp_min(1e-30);
        var identity = torch.eye(n, dtype: a.dtype, device: a.device);
        var y = a / norm;
        var z = identity;
        for (var i = 0; i < steps; i++)
        {
            var t = (identity.mul(3) - z.matmul(y)).mul(0.5);
            y = y.matmul(t);
            z = t.matmul(z);
        }
        return y.mul(norm.sqrt()).MoveToOuterDisposeScope();
    }

    /// <summary>Σ^½ by eigendecomposition (float64), for the fixed painting statistics, which need no gradient.</summary>
    private static Tensor SymmetricSquareRoot(Tensor m)
    {
        using var scope = torch.NewDisposeScope();
        var (values, vectors) = torch.linalg.eigh(m.to(ScalarType.Float64));
        var root = vectors.matmul(torch.diag(values.clamp_min(0).sqrt())).matmul(vectors.t());
        return root.to(m.dtype).MoveToOuterDisposeScope();
    }

    private static double Scalar(Tensor t) => t.to(ScalarType.Float64).item<double>();

    public void Dispose()
    {
        _mean.Dispose();
        _covariance.Dispose();
        _covarianceRoot?.Dispose();
    }
}
