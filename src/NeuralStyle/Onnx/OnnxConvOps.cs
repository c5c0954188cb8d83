using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NeuralStyle.Onnx;

/// <summary>ONNX Conv on 4-D (N,C,H,W) tensors, mapped onto torch's conv2d.</summary>
internal static class OnnxConvOps
{
    public static Tensor Conv(OnnxNodeContext node)
    {
        var x = node.Input(0);
        var weight = node.Input(1);
        var bias = node.Optional(2);
        if (x.dim() != 4 || weight.dim() != 4)
            throw node.Error($"only 2-D convolutions (4-D input and weight) are supported, got input rank {x.dim()}");

        var groups = node.Int("group", 1);
        // A channel mismatch is reported by node; left to libtorch it is an opaque native error.
        if (x.shape[1] != weight.shape[1] * groups)
            throw node.Error($"input has {x.shape[1]} channels, the weight expects {weight.shape[1] * groups}");
        var kernel = node.Ints("kernel_shape") ?? [weight.shape[2], weight.shape[3]];
        var strides = node.Ints("strides") ?? [1, 1];
        var dilations = node.Ints("dilations") ?? [1, 1];
        var effectiveKernel = kernel.Select((k, i) => (k - 1) * dilations[i] + 1).ToArray();
        var padding = OnnxPadding.Resolve(node, [x.shape[2], x.shape[3]], effectiveKernel, strides);

        // torch's conv2d pads both sides equally; ONNX allows different begin/end padding
        // (CNTK's ResNet18 uses [3,3,2,2]), which is zero padding applied explicitly first.
        using var scope = NewDisposeScope();
        var input = x;
        long[] convPadding = padding.Begin;
        if (!padding.IsSymmetric)
        {
            input = F.pad(x, padding.ForTorchPad());
            convPadding = [0, 0];
        }
        return F.conv2d(input, weight, bias, strides: strides, padding: convPadding, dilation: dilations, groups: groups)
            .MoveToOuterDisposeScope();
    }
}
