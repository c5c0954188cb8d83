using static TorchSharp.torch;

namespace NeuralStyle.Networks;

/// <summary>
/// Channels-last (NHWC) memory layout for 4-D tensors, which keep their NCHW shape. On this CPU
/// libtorch's oneDNN convolutions run faster in this layout, in float32 and in (emulated) bfloat16
/// alike (README, Performance).
/// TorchSharp 0.107 has no memory_format argument, but libtorch chooses a convolution's layout from
/// the strides of its input and weight: permuting to NHWC, making that contiguous and permuting back
/// gives exactly channels-last strides, and conv, ReLU and pooling outputs then stay channels-last.
/// </summary>
public static class ChannelsLast
{
    /// <summary>A channels-last copy of a 4-D tensor (differentiable); other ranks are returned as a new handle.
    /// The intermediate handles are disposed here, so no dispose scope is needed around it.</summary>
    public static Tensor Of(Tensor tensor)
    {
        if (tensor.dim() != 4) return tensor.alias();
        using var nhwcView = tensor.permute(0, 2, 3, 1);
        using var nhwc = nhwcView.contiguous();
        return nhwc.permute(0, 3, 1, 2);
    }
}
