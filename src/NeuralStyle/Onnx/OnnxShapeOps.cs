using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NeuralStyle.Onnx;

/// <summary>Ops that move, reshape, pad or pass values through. Pass-through ops return an alias (a
/// new handle on the same storage), so every graph value owns its own handle and can be disposed
/// independently of its source.</summary>
internal static class OnnxShapeOps
{
    public static Tensor Identity(OnnxNodeContext node) => node.Input(0).alias();

    /// <summary>Inference: Dropout passes its input through (its optional mask output is not produced).</summary>
    public static Tensor Dropout(OnnxNodeContext node) => node.Input(0).alias();

    public static Tensor Flatten(OnnxNodeContext node)
    {
        var x = node.Input(0);
        var axis = node.Int("axis", 1);
        if (axis < 0) axis += x.dim();
        var outer = x.shape.Take((int)axis).Aggregate(1L, (p, d) => p * d);
        var inner = x.shape.Skip((int)axis).Aggregate(1L, (p, d) => p * d);
        return x.reshape(outer, inner);
    }

    public static Tensor Reshape(OnnxNodeContext node)
    {
        var x = node.Input(0);
        // Opset 5+ passes the shape as an input (an initializer or Constant); opsets 1–4 as an attribute.
        var shape = node.InputCount > 1 ? node.Longs(1) : node.Ints("shape") ?? throw node.Error("shape is missing");
        var allowZero = node.Int("allowzero", 0) != 0;
        var target = shape.Select((d, i) => d == 0 && !allowZero ? x.shape[i] : d).ToArray();
        return x.reshape(target);
    }

    public static Tensor Concat(OnnxNodeContext node)
    {
        var axis = node.Int("axis", long.MinValue);
        if (axis == long.MinValue) throw node.Error("axis is missing");
        return torch.cat(node.AllInputs().ToList(), axis);
    }

    public static Tensor Pad(OnnxNodeContext node)
    {
        var x = node.Input(0);
        var mode = node.String("mode", "constant");
        if (mode != "constant")
            throw node.Error($"pad mode '{mode}' is not supported (only constant)");
        // Opset 11+: pads (and the fill value) are inputs; before that, attributes.
        long[] pads;
        double value;
        if (node.InputCount > 1)
        {
            pads = node.Longs(1);
            var fill = node.Optional(2);
            value = fill is null ? 0 : fill.to(ScalarType.Float64).item<double>();
            if (node.Optional(3) is not null) throw node.Error("the axes input is not supported");
        }
        else
        {
            pads = node.Ints("pads") ?? throw node.Error("pads is missing");
            value = node.Float("value", 0f);
        }
        var rank = (int)x.dim();
        if (pads.Length != 2 * rank)
            throw node.Error($"pads has {pads.Length} values, expected {2 * rank} for a rank-{rank} input");
        var padding = new OnnxPadding(pads[..rank], pads[rank..]);
        return F.pad(x, padding.ForTorchPad(), PaddingModes.Constant, value);
    }

    public static Tensor Constant(OnnxNodeContext node, string where)
    {
        if (node.TensorAttribute("value") is { } proto) return OnnxTensorReader.Read(proto, where);
        if (node.Has("value_float")) return torch.tensor(node.Float("value_float", 0f));
        if (node.Floats("value_floats") is { } floats) return torch.tensor(floats);
        if (node.Has("value_int")) return torch.tensor(node.Int("value_int", 0));
        if (node.Ints("value_ints") is { } ints) return torch.tensor(ints);
        throw node.Error("it has no value attribute this executor understands (value, value_float(s), value_int(s))");
    }
}
