using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NeuralStyle.Onnx;

/// <summary>
/// ONNX MaxPool, AveragePool and GlobalAveragePool on 4-D tensors. torch's pooling only pads both
/// sides equally and by at most half the kernel; anything else is padded explicitly first, in a way
/// that keeps ONNX's meaning of the padded cells (never the max; counted or not in the average).
/// </summary>
internal static class OnnxPoolOps
{
    public static Tensor MaxPool(OnnxNodeContext node)
    {
        var (x, kernel, strides, dilations, padding, ceil) = Read(node, allowDilation: true);
        if (FitsTorchPadding(padding, kernel, dilations))
            return F.max_pool2d(x, kernel, strides, padding.Begin, dilations, ceil);
        // Padded cells must never win the max, so they are -inf.
        using var padded = F.pad(x, padding.ForTorchPad(), PaddingModes.Constant, double.NegativeInfinity);
        return F.max_pool2d(padded, kernel, strides, [0, 0], dilations, ceil);
    }

    public static Tensor AveragePool(OnnxNodeContext node)
    {
        var (x, kernel, strides, dilations, padding, ceil) = Read(node, allowDilation: false);
        var countPadding = node.Int("count_include_pad", 0) != 0;
        if (FitsTorchPadding(padding, kernel, dilations))
            return F.avg_pool2d(x, kernel, strides, padding.Begin, ceil, countPadding);

        // Asymmetric padding: sum over zero-padded windows, then divide by how many cells each
        // window counts: the real ones, plus the padded ones when count_include_pad says so.
        using var scope = NewDisposeScope();
        var area = kernel[0] * kernel[1];
        var sums = F.avg_pool2d(F.pad(x, padding.ForTorchPad()), kernel, strides, [0, 0], ceil, true, area);
        var ones = torch.ones(1, 1, x.shape[2], x.shape[3], dtype: x.dtype, device: x.device);
        var mask = F.pad(ones, padding.ForTorchPad(), PaddingModes.Constant, countPadding ? 1 : 0);
        var counts = F.avg_pool2d(mask, kernel, strides, [0, 0], ceil, true, area);
        return sums.div(counts).MoveToOuterDisposeScope();
    }

    public static Tensor GlobalAveragePool(OnnxNodeContext node)
    {
        var x = node.Input(0);
        var spatial = Enumerable.Range(2, (int)x.dim() - 2).Select(d => (long)d).ToArray();
        return x.mean(spatial, keepdim: true);
    }

    private static (Tensor X, long[] Kernel, long[] Strides, long[] Dilations, OnnxPadding Padding, bool Ceil) Read(
        OnnxNodeContext node, bool allowDilation)
    {
        var x = node.Input(0);
        if (x.dim() != 4)
            throw node.Error($"only 2-D pooling (4-D input) is supported, got input rank {x.dim()}");
        var kernel = node.Ints("kernel_shape") ?? throw node.Error("kernel_shape is missing");
        var strides = node.Ints("strides") ?? [1, 1];
        var dilations = node.Ints("dilations") ?? [1, 1];
        if (!allowDilation && dilations.Any(d => d != 1))
            throw node.Error("dilations other than 1 are not supported");
        var effectiveKernel = kernel.Select((k, i) => (k - 1) * dilations[i] + 1).ToArray();
        var padding = OnnxPadding.Resolve(node, [x.shape[2], x.shape[3]], effectiveKernel, strides);
        return (x, kernel, strides, dilations, padding, node.Int("ceil_mode", 0) != 0);
    }

    // torch rejects padding larger than half the (dilated) kernel.
    private static bool FitsTorchPadding(OnnxPadding padding, long[] kernel, long[] dilations) =>
        padding.IsSymmetric && padding.Begin.Select((p, i) => p <= ((kernel[i] - 1) * dilations[i] + 1) / 2).All(ok => ok);
}
