using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Video;

/// <summary>
/// How much a stylised video flickers: the mean absolute difference between each stylised frame and the previous
/// stylised frame warped into it by the flow of the original frames, inside the consistency mask (so real motion and
/// disocclusions do not count), averaged over frames 2…n. In 0–255 units (8-bit levels) of every colour channel.
/// </summary>
public static class FlickerMetric
{
    /// <param name="stylised">Stylised frames, RGB [1,3,H,W] in [0,1].</param>
    /// <param name="motions">motions[i] relates frame i to frame i−1 (motions[0] is unused and may be null).</param>
    public static double Of(IReadOnlyList<Tensor> stylised, IReadOnlyList<FrameMotion?> motions)
    {
        if (stylised.Count < 2) throw new ArgumentException("flicker needs at least two frames", nameof(stylised));
        var total = 0.0;
        for (var i = 1; i < stylised.Count; i++) total += Between(stylised[i - 1], stylised[i], motions[i]!);
        return total / (stylised.Count - 1);
    }

    /// <summary>The flicker of one frame against the previous one, 0–255.</summary>
    public static double Between(Tensor previous, Tensor current, FrameMotion motion)
    {
        using var scope = torch.NewDisposeScope();
        var warped = motion.WarpPrevious(previous);
        var difference = (current - warped).abs().mul(motion.Mask);
        var weight = motion.Mask.sum().item<float>() * current.shape[1];
        return weight <= 0 ? 0 : difference.sum().item<float>() / weight * 255;
    }
}
