using NeuralStyle.Imaging;
using NeuralStyle.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// What keeps a video frame close to the one before (Ruder et al. 2016): the previous stylised frame warped into
/// this frame by optical flow, and the consistency mask saying where that warp can be trusted. A session makes a
/// <see cref="TemporalLoss"/> from it at every scale, resized to the scale's size, weighted by
/// <see cref="StyleTransferSettings.TemporalWeight"/>. Owned by the <see cref="StyleTransferInputs"/> it is given to.
/// </summary>
public sealed class TemporalGuide : IDisposable
{
    private readonly Tensor _target;
    private readonly Tensor _mask;

    /// <param name="warpedPrevious">RGB [1,3,H,W] in [0,1] (copied).</param>
    /// <param name="mask">[1,1,H,W] (or [H,W]) in [0,1] at the same size: 1 = reliable, 0 = not (copied).</param>
    public TemporalGuide(Tensor warpedPrevious, Tensor mask)
    {
        var (h, w) = ImageResize.CheckImage(warpedPrevious, nameof(warpedPrevious));
        if (mask.shape[^2] != h || mask.shape[^1] != w)
            throw new ArgumentException($"the mask is {mask.shape[^1]}×{mask.shape[^2]}, the warped frame {w}×{h}", nameof(mask));
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var target = warpedPrevious.dim() == 4 ? warpedPrevious : warpedPrevious.unsqueeze(0);
        _target = target.detach().cpu().to(ScalarType.Float32).clone().DetachFromDisposeScope();
        _mask = mask.detach().cpu().to(ScalarType.Float32).reshape(1, 1, h, w).clone().DetachFromDisposeScope();
    }

    /// <summary>The term at <paramref name="width"/>×<paramref name="height"/> (the caller owns it).</summary>
    internal TemporalLoss LossAt(int width, int height, double weight, Func<Tensor, Tensor> optimisedSpace)
    {
        using var scope = torch.NewDisposeScope();
        var target = optimisedSpace(ImageResize.ToSize(_target, height, width));
        // Bilinear resizing keeps the mask in [0,1]; a pixel next to an unreliable one becomes partly trusted.
        var mask = nn.functional.interpolate(_mask, [height, width], mode: InterpolationMode.Bilinear, align_corners: false).clamp_(0, 1);
        return new TemporalLoss(target, mask, weight);
    }

    public void Dispose()
    {
        _target.Dispose();
        _mask.Dispose();
    }
}
