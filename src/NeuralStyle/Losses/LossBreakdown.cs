namespace NeuralStyle.Losses;

/// <summary>The weighted terms that enter the loss at one evaluation: α·content, β·Σ w_l·style_l,
/// tv_weight·tv, the temporal term of a video frame (0 otherwise, see <see cref="TemporalLoss"/>), and their sum.</summary>
public readonly record struct LossBreakdown(double Content, double Style, double Tv, double Temporal = 0)
{
    public double Total => Content + Style + Tv + Temporal;
}
