using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Networks;

/// <summary>torchvision's input convention: RGB in [0,1], minus the ImageNet mean, over its std.</summary>
public static class ImageNetNormalization
{
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    public static Tensor Normalize(Tensor rgb)
    {
        using var mean = PerChannel(Mean, rgb);
        using var std = PerChannel(Std, rgb);
        return (rgb - mean).div_(std);
    }

    public static Tensor Denormalize(Tensor input)
    {
        using var mean = PerChannel(Mean, input);
        using var std = PerChannel(Std, input);
        return (input * std).add_(mean);
    }

    private static Tensor PerChannel(float[] values, Tensor like)
    {
        using var flat = torch.tensor(values, dtype: like.dtype, device: like.device);
        return flat.view(1, 3, 1, 1);
    }
}
