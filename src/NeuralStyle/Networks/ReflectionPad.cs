using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NeuralStyle.Networks;

/// <summary>
/// Reflection padding of any width, differentiable (the gradient of each mirrored pixel goes back to
/// the pixel it copies). torch's reflect mode needs a pad narrower than the side it mirrors; wider
/// pads (a small coarse scale with a 32-px margin) are made by mirroring again, in steps.
/// </summary>
internal static class ReflectionPad
{
    /// <summary>[N,C,H,W] → [N,C,top+H+bottom,left+W+right].</summary>
    public static Tensor Apply(Tensor x, long top, long bottom, long left, long right)
    {
        using var scope = NewDisposeScope();
        var result = x.alias();
        while (top + bottom + left + right > 0)
        {
            var (h, w) = (result.shape[2], result.shape[3]);
            // A side of one pixel has nothing to mirror: repeat it instead.
            var (t, b) = (Math.Min(top, Math.Max(h - 1, 0)), Math.Min(bottom, Math.Max(h - 1, 0)));
            var (l, r) = (Math.Min(left, Math.Max(w - 1, 0)), Math.Min(right, Math.Max(w - 1, 0)));
            if (t + b + l + r == 0)
            {
                (t, b, l, r) = (top, bottom, left, right);
                result = F.pad(result, [l, r, t, b], PaddingModes.Replicate);
            }
            else
                result = F.pad(result, [l, r, t, b], PaddingModes.Reflect);
            (top, bottom, left, right) = (top - t, bottom - b, left - l, right - r);
        }
        return result.MoveToOuterDisposeScope();
    }
}
