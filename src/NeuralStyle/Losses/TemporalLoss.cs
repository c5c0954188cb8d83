using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>
/// Ruder et al.'s short-term temporal loss for video: (1/N)·Σ c·(x − w)², where w is the previous stylised frame
/// warped into this one by optical flow and c ∈ [0,1] is how far the flow can be trusted at each pixel (0 where
/// content was disoccluded or at motion boundaries). N = C·H·W, so the weight does not depend on the size.
/// A pixel-space term, like <see cref="TotalVariationLoss"/>: tiled and whole runs compute it on the whole image.
/// </summary>
public sealed class TemporalLoss : IDisposable
{
    private readonly Tensor _target;
    private readonly Tensor _mask;

    /// <param name="target">The warped previous frame, RGB [1,3,H,W] in [0,1] (copied).</param>
    /// <param name="mask">The consistency mask [1,1,H,W] in [0,1] at the same size (copied).</param>
    /// <param name="weight">The term's weight (<see cref="Transfer.StyleTransferSettings.TemporalWeight"/>).</param>
    public TemporalLoss(Tensor target, Tensor mask, double weight)
    {
        if (target.shape[^2] != mask.shape[^2] || target.shape[^1] != mask.shape[^1])
            throw new ArgumentException("the temporal target and its mask must have the same size", nameof(mask));
        using var noGrad = torch.no_grad();
        _target = target.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
        _mask = mask.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
        Weight = weight;
    }

    public double Weight { get; }

    /// <summary>weight·(1/N)·Σ c·(x − w)² of an RGB image [1,3,H,W] at the target's size (differentiable).</summary>
    public Tensor Evaluate(Tensor pixels)
    {
        using var scope = torch.NewDisposeScope();
        var difference = pixels - _target;
        return difference.square().mul(_mask).mean().mul(Weight).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _target.Dispose();
        _mask.Dispose();
    }
}
