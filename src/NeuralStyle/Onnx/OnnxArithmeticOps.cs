using NeuralStyle.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NeuralStyle.Onnx;

/// <summary>Element-wise ops, activations and Gemm. ONNX's multidirectional broadcasting is numpy's,
/// which torch follows, so only the pre-opset-7 "broadcast with axis" form needs adapting.</summary>
internal static class OnnxArithmeticOps
{
    public static Tensor Add(OnnxNodeContext node) => Binary(node, (a, b) => a.add(b, KeptScalar.One));
    public static Tensor Sub(OnnxNodeContext node) => Binary(node, (a, b) => a.sub(b));
    public static Tensor Mul(OnnxNodeContext node) => Binary(node, (a, b) => a.mul(b));

    public static Tensor Sum(OnnxNodeContext node)
    {
        using var scope = NewDisposeScope();
        var total = node.Input(0).alias();
        for (var i = 1; i < node.InputCount; i++) total = total.add(node.Input(i), KeptScalar.One);
        return total.MoveToOuterDisposeScope();
    }

    public static Tensor Relu(OnnxNodeContext node) => F.relu(node.Input(0));

    public static Tensor LeakyRelu(OnnxNodeContext node) =>
        F.leaky_relu(node.Input(0), node.Float("alpha", 0.01f));

    /// <summary>Y = alpha · A′ · B′ + beta · C, where ′ is an optional transpose.</summary>
    public static Tensor Gemm(OnnxNodeContext node)
    {
        using var scope = NewDisposeScope();
        var a = node.Input(0);
        var b = node.Input(1);
        if (node.Int("transA", 0) != 0) a = a.t();
        if (node.Int("transB", 0) != 0) b = b.t();
        // Checked here because a mismatched matmul can abort the process inside libtorch rather than
        // surface as a catchable exception.
        if (a.dim() != 2 || b.dim() != 2 || a.shape[1] != b.shape[0])
            throw node.Error($"cannot multiply [{string.Join(",", a.shape)}] by [{string.Join(",", b.shape)}] (after transA/transB)");
        var y = a.matmul(b).mul(node.Float("alpha", 1f));
        var c = node.Optional(2);
        if (c is not null) y = y.add(c.mul(node.Float("beta", 1f)));
        return y.MoveToOuterDisposeScope();
    }

    private static Tensor Binary(OnnxNodeContext node, Func<Tensor, Tensor, Tensor> op)
    {
        var a = node.Input(0);
        var b = node.Input(1);
        // Opsets 1–6: broadcast=1 with axis=k lines B up with A's dimensions starting at k, which in
        // numpy terms means giving B trailing singleton dimensions.
        if (node.Int("broadcast", 0) != 0 && node.Has("axis"))
        {
            var axis = node.Int("axis", 0);
            if (axis < 0) axis += a.dim();
            var trailing = a.dim() - axis - b.dim();
            if (trailing > 0)
            {
                using var aligned = b.reshape(b.shape.Concat(Enumerable.Repeat(1L, (int)trailing)).ToArray());
                return op(a, aligned);
            }
        }
        return op(a, b);
    }
}
