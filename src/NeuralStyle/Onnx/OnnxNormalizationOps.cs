using NeuralStyle.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NeuralStyle.Onnx;

/// <summary>BatchNormalization (inference form) and LRN, written out as plain tensor arithmetic so
/// they work for any rank and are differentiable with respect to the input.</summary>
internal static class OnnxNormalizationOps
{
    public static Tensor BatchNormalization(OnnxNodeContext node)
    {
        // A frozen loss network always uses the stored statistics; training mode would update them.
        if (node.Int("training_mode", 0) != 0)
            throw node.Error("training_mode=1 is not supported (only inference)");
        // Before opset 9, spatial=0 meant per-activation statistics, a layout no exporter of CNNs uses.
        if (node.Int("spatial", 1) != 1)
            throw node.Error("spatial=0 is not supported");
        var x = node.Input(0);
        var epsilon = node.Float("epsilon", 1e-5f);

        using var scope = NewDisposeScope();
        var shape = PerChannelShape(x);
        var scale = node.Input(1).reshape(shape);
        var bias = node.Input(2).reshape(shape);
        var mean = node.Input(3).reshape(shape);
        var variance = node.Input(4).reshape(shape);
        // y = (x − mean) · scale / sqrt(var + ε) + bias, folded into one multiply-add.
        using var eps = KeptScalar.Of(epsilon);
        var factor = scale / variance.add(eps, KeptScalar.One).sqrt();
        return (x - mean).mul(factor).add(bias, KeptScalar.One).MoveToOuterDisposeScope();
    }

    public static Tensor Lrn(OnnxNodeContext node)
    {
        var x = node.Input(0);
        var size = node.Int("size", 0);
        if (size <= 0) throw node.Error("size is missing or not positive");
        var alpha = node.Float("alpha", 1e-4f);
        var beta = node.Float("beta", 0.75f);
        var bias = node.Float("bias", 1f);

        using var scope = NewDisposeScope();
        // Sum of squares over a window of `size` channels: floor((size−1)/2) before the channel,
        // ceil((size−1)/2) after. Channels become the height of a 1-channel image so an average pool
        // over (size × 1) windows of the zero-padded squares gives square_sum / size.
        var n = x.shape[0];
        var channels = x.shape[1];
        var squares = x.square().reshape(n, 1, channels, -1);
        var before = (size - 1) / 2;
        var after = size - 1 - before;
        var padded = F.pad(squares, [0, 0, before, after]);
        var meanSquares = F.avg_pool2d(padded, [size, 1], [1, 1]).reshape(x.shape);
        var denominator = meanSquares.mul(alpha).add(bias).pow(beta);
        return x.div(denominator).MoveToOuterDisposeScope();
    }

    // [C] → [1, C, 1, …] so per-channel values broadcast over batch and spatial dimensions.
    private static long[] PerChannelShape(Tensor x)
    {
        var shape = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
        shape[1] = x.shape[1];
        return shape;
    }
}
