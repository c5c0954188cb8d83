namespace NeuralStyle.Losses;

/// <summary>What "same style" means at a layer (<c>--style-loss</c>).</summary>
public enum StyleLossKind
{
    /// <summary>Gatys et al.: match the Gram matrix F·Fᵀ (uncentred second moments).</summary>
    Gram,

    /// <summary>Match the features' mean and covariance separately (relative squared errors, summed).
    /// Centring stops a large mean from hiding the correlations that carry texture.</summary>
    MeanCov,

    /// <summary>Wasserstein-2 distance between Gaussian fits N(μ, Σ) of the features (Mroueh 2019,
    /// Kolkin et al. 2019): a true distance between distributions, so its gradient does not vanish
    /// or explode as unevenly as squared Gram errors do.</summary>
    Wasserstein,
}
