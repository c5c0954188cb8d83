namespace NeuralStyle.Losses;

/// <summary>The weighted terms that enter the loss at one evaluation: α·content, β·Σ w_l·style_l,
/// tv_weight·tv, and their sum.</summary>
public readonly record struct LossBreakdown(double Content, double Style, double Tv)
{
    public double Total => Content + Style + Tv;
}
