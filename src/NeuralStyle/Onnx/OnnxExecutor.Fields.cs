using NeuralStyle.Tiling;
using Onnx;
using static TorchSharp.torch;

namespace NeuralStyle.Onnx;

public sealed partial class OnnxExecutor
{
    /// <summary>
    /// The receptive field of a graph tensor along height (<paramref name="axis"/> 0) or width (1), read from
    /// the kernels, strides and pads of the nodes it depends on: windows (Conv, pooling) widen it, Pad shifts
    /// it, per-position ops (ReLU, BatchNormalization, LRN, …) keep it, and where paths meet (Add, Concat, …)
    /// it is their union. Ops that mix all positions (global pooling, Gemm, reshapes) make a tensor that
    /// cannot be tiled: a one-line error says so. SAME_* padding is resolved for inputs that are multiples of
    /// the stride, which tiles always are.
    /// </summary>
    public ReceptiveField FieldOf(string tensor, int axis)
    {
        var memo = new Dictionary<string, ReceptiveField?>();
        return Field(tensor, axis, memo) ?? throw new NeuralStyleException($"{Source}: tensor '{tensor}' does not depend on the image");
    }

    // Null: the tensor does not depend on the image (a weight, a constant).
    private ReceptiveField? Field(string name, int axis, Dictionary<string, ReceptiveField?> memo)
    {
        if (name == InputName) return ReceptiveField.Input;
        if (memo.TryGetValue(name, out var known)) return known;
        if (!_producer.TryGetValue(name, out var index)) return null; // an initializer
        var node = _nodes[index];
        var inputs = node.Input.Where(i => i.Length > 0).Select(i => Field(i, axis, memo)).ToList();
        var spatial = inputs.Where(f => f is not null).Select(f => f!.Value).ToList();
        ReceptiveField? result = spatial.Count == 0 ? null : node.OpType switch
        {
            "Conv" or "MaxPool" or "AveragePool" => Windowed(node, spatial[0], axis),
            "Pad" => spatial[0].Shifted(PadBefore(node, axis)),
            "Relu" or "LeakyRelu" or "BatchNormalization" or "LRN" or "Dropout" or "Identity" => spatial[0],
            "Add" or "Sub" or "Mul" or "Sum" or "Concat" => spatial.Aggregate((a, b) => a.Union(b)),
            _ => throw new NeuralStyleException(
                $"{Source}: {OnnxNodeContext.Describe(node)} mixes every position of the image ({node.OpType}); layers after it cannot be computed tile by tile"),
        };
        memo[name] = result;
        return result;
    }

    private static ReceptiveField Windowed(NodeProto node, ReceptiveField field, int axis)
    {
        var context = new OnnxNodeContext(node, []);
        var kernel = context.Ints("kernel_shape") ?? throw context.Error("kernel_shape is missing; its receptive field is unknown");
        var stride = (context.Ints("strides") ?? [1, 1])[axis];
        var dilation = (context.Ints("dilations") ?? [1, 1])[axis];
        var effective = (kernel[axis] - 1) * dilation + 1;
        var autoPad = context.String("auto_pad", "NOTSET");
        var before = autoPad switch
        {
            "SAME_UPPER" => Math.Max(0, effective - stride) / 2,
            "SAME_LOWER" => Math.Max(0, effective - stride) - Math.Max(0, effective - stride) / 2,
            "VALID" => 0,
            _ => (context.Ints("pads") ?? [0, 0, 0, 0])[axis],
        };
        return field.Window(effective, stride, before);
    }

    private long PadBefore(NodeProto node, int axis)
    {
        var context = new OnnxNodeContext(node, []);
        var pads = context.Ints("pads")
            ?? (node.Input.Count > 1 && _initializers.TryGetValue(node.Input[1], out var given) ? given.to(ScalarType.Int64).data<long>().ToArray() : null)
            ?? throw context.Error("its pads are computed by the graph; its receptive field is unknown");
        // [N, C, H, W] begins then ends: H and W are the last two of the begins.
        var rank = pads.Length / 2;
        return pads[rank - 2 + axis];
    }
}
