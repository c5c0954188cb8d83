using Onnx;
using static TorchSharp.torch;

namespace NeuralStyle.Onnx;

/// <summary>
/// The ONNX ops this executor maps onto TorchSharp: what a CNN feature extractor uses. Only the
/// default ONNX domain is recognised; anything else is reported by op type and node name.
/// </summary>
public static class OnnxOps
{
    private static readonly Dictionary<string, Func<OnnxNodeContext, Tensor>> Ops = new()
    {
        ["Conv"] = OnnxConvOps.Conv,
        ["BatchNormalization"] = OnnxNormalizationOps.BatchNormalization,
        ["LRN"] = OnnxNormalizationOps.Lrn,
        ["Relu"] = OnnxArithmeticOps.Relu,
        ["LeakyRelu"] = OnnxArithmeticOps.LeakyRelu,
        ["MaxPool"] = OnnxPoolOps.MaxPool,
        ["AveragePool"] = OnnxPoolOps.AveragePool,
        ["GlobalAveragePool"] = OnnxPoolOps.GlobalAveragePool,
        ["Add"] = OnnxArithmeticOps.Add,
        ["Sub"] = OnnxArithmeticOps.Sub,
        ["Mul"] = OnnxArithmeticOps.Mul,
        ["Sum"] = OnnxArithmeticOps.Sum,
        ["Gemm"] = OnnxArithmeticOps.Gemm,
        ["Concat"] = OnnxShapeOps.Concat,
        ["Flatten"] = OnnxShapeOps.Flatten,
        ["Reshape"] = OnnxShapeOps.Reshape,
        ["Pad"] = OnnxShapeOps.Pad,
        ["Dropout"] = OnnxShapeOps.Dropout,
        ["Identity"] = OnnxShapeOps.Identity,
    };

    public static bool IsSupported(NodeProto node) =>
        node.Domain is "" or "ai.onnx" && (node.OpType == "Constant" || Ops.ContainsKey(node.OpType));

    /// <summary>Throws the one-line error for a node this executor cannot run.</summary>
    public static void RequireSupported(NodeProto node, string source)
    {
        if (!IsSupported(node))
            throw new NeuralStyleException(
                $"{source}: {OnnxNodeContext.Describe(node)} uses op '{(node.Domain.Length > 0 ? node.Domain + "." : "")}{node.OpType}', which is not supported");
    }

    /// <summary>Evaluates one node on its input tensors; returns its first (and only used) output.</summary>
    internal static Tensor Run(NodeProto node, Tensor?[] inputs, string source)
    {
        RequireSupported(node, source);
        var context = new OnnxNodeContext(node, inputs);
        return node.OpType == "Constant"
            ? OnnxShapeOps.Constant(context, $"{source}: {context.Description}")
            : Ops[node.OpType](context);
    }
}
