using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Onnx;

/// <summary>
/// How an ONNX network wants its image: channel order, value scale and per-channel mean/std.
/// Normalize maps our RGB-in-[0,1] images into that space; Denormalize is its exact inverse.
/// </summary>
/// <param name="Bgr">Channels in B, G, R order (Caffe/CNTK style) instead of R, G, B.</param>
/// <param name="Scale">Multiplier applied to [0,1] values first (255 for 0..255 networks).</param>
/// <param name="Mean">Subtracted after scaling, in the network's channel order.</param>
/// <param name="Std">Divided by last, in the network's channel order.</param>
public sealed record OnnxInputConvention(bool Bgr, float Scale, float[] Mean, float[] Std)
{
    /// <summary>torchvision's convention: RGB, [0,1], ImageNet mean and std.</summary>
    public static OnnxInputConvention TorchVision { get; } =
        new(false, 1f, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    public Tensor Normalize(Tensor rgb)
    {
        using var scope = NewDisposeScope();
        using var mean = PerChannel(Mean, rgb);
        using var std = PerChannel(Std, rgb);
        return Reorder(rgb).mul(Scale).sub(mean).div(std).MoveToOuterDisposeScope();
    }

    public Tensor Denormalize(Tensor input)
    {
        using var scope = NewDisposeScope();
        using var mean = PerChannel(Mean, input);
        using var std = PerChannel(Std, input);
        return Reorder(input.mul(std).add(mean).div(Scale)).MoveToOuterDisposeScope();
    }

    // RGB ↔ BGR is the same flip both ways.
    private Tensor Reorder(Tensor x) => Bgr ? x.flip(1) : x.alias();

    private static Tensor PerChannel(float[] values, Tensor like) =>
        torch.tensor(values, dtype: like.dtype, device: like.device).view(1, -1, 1, 1);
}
