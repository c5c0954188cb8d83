using Onnx;
using static NeuralStyle.Tests.Onnx.OnnxGraphBuilder;

namespace NeuralStyle.Tests.Onnx;

/// <summary>
/// One tiny graph per supported op and attribute combination: input "x" of the given shape, output
/// "y". Kept in one table so the ONNX Runtime parity test covers every case. (Even LRN sizes and
/// the opset-6 broadcast form, which ONNX Runtime does not run, are checked by hand in OnnxOpHandTests.)
/// </summary>
public static class OpCases
{
    public sealed record Case(long[] InputShape, Func<OnnxGraphBuilder> Graph);

    private static OnnxGraphBuilder G(long[] shape, long opset = 13) => new OnnxGraphBuilder(opset).Input("x", shape);

    private static readonly long[] Image = [1, 4, 9, 8];

    public static readonly Dictionary<string, Case> All = new()
    {
        ["Conv asymmetric pads, stride 2"] = new(Image, () => G(Image).RandomWeight("w", 1, 6, 4, 3, 3).RandomWeight("b", 2, 6)
            .Node("Conv", ["x", "w", "b"], "y", Ints("pads", 1, 2, 0, 1), Ints("strides", 2, 2)).Output("y")),
        ["Conv groups and dilations"] = new(Image, () => G(Image).RandomWeight("w", 3, 6, 2, 3, 3)
            .Node("Conv", ["x", "w"], "y", Int("group", 2), Ints("dilations", 2, 1), Ints("pads", 2, 1, 2, 1)).Output("y")),
        ["Conv auto_pad SAME_UPPER stride 2"] = new(Image, () => G(Image).RandomWeight("w", 4, 3, 4, 4, 3)
            .Node("Conv", ["x", "w"], "y", String("auto_pad", "SAME_UPPER"), Ints("strides", 2, 2)).Output("y")),
        ["Conv auto_pad SAME_LOWER"] = new(Image, () => G(Image).RandomWeight("w", 5, 3, 4, 2, 4)
            .Node("Conv", ["x", "w"], "y", String("auto_pad", "SAME_LOWER")).Output("y")),
        ["Conv auto_pad VALID"] = new(Image, () => G(Image).RandomWeight("w", 6, 3, 4, 3, 3)
            .Node("Conv", ["x", "w"], "y", String("auto_pad", "VALID"), Ints("strides", 2, 1)).Output("y")),
        ["BatchNormalization epsilon"] = new(Image, () => G(Image).RandomWeight("s", 7, 4).RandomWeight("b", 8, 4)
            .RandomWeight("m", 9, 4).Weight("v", [0.5f, 1f, 2f, 0.01f], 4)
            .Node("BatchNormalization", ["x", "s", "b", "m", "v"], "y", Float("epsilon", 1e-3f)).Output("y")),
        ["Relu"] = new(Image, () => G(Image).Node("Relu", ["x"], "y").Output("y")),
        ["LeakyRelu alpha"] = new(Image, () => G(Image).Node("LeakyRelu", ["x"], "y", Float("alpha", 0.2f)).Output("y")),
        ["MaxPool asymmetric pads"] = new(Image, () => G(Image)
            .Node("MaxPool", ["x"], "y", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 0, 0)).Output("y")),
        ["MaxPool ceil_mode"] = new(Image, () => G(Image)
            .Node("MaxPool", ["x"], "y", Ints("kernel_shape", 3, 2), Ints("strides", 2, 3), Ints("pads", 1, 1, 1, 1), Int("ceil_mode", 1)).Output("y")),
        ["MaxPool dilations"] = new(Image, () => G(Image)
            .Node("MaxPool", ["x"], "y", Ints("kernel_shape", 2, 2), Ints("dilations", 2, 2)).Output("y")),
        ["AveragePool excluding pads"] = new(Image, () => G(Image)
            .Node("AveragePool", ["x"], "y", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1)).Output("y")),
        ["AveragePool including pads"] = new(Image, () => G(Image)
            .Node("AveragePool", ["x"], "y", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Int("count_include_pad", 1)).Output("y")),
        ["AveragePool asymmetric pads excluded"] = new(Image, () => G(Image)
            .Node("AveragePool", ["x"], "y", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 2, 0, 0, 1)).Output("y")),
        ["AveragePool asymmetric pads included"] = new(Image, () => G(Image)
            .Node("AveragePool", ["x"], "y", Ints("kernel_shape", 3, 2), Ints("pads", 0, 1, 1, 0), Int("count_include_pad", 1)).Output("y")),
        ["AveragePool ceil_mode"] = new(Image, () => G(Image)
            .Node("AveragePool", ["x"], "y", Ints("kernel_shape", 2, 3), Ints("strides", 2, 2), Int("ceil_mode", 1)).Output("y")),
        ["GlobalAveragePool"] = new(Image, () => G(Image).Node("GlobalAveragePool", ["x"], "y").Output("y")),
        ["Add broadcast"] = new(Image, () => G(Image).RandomWeight("b", 10, 4, 1, 1).Node("Add", ["x", "b"], "y").Output("y")),
        ["Sub broadcast"] = new(Image, () => G(Image).RandomWeight("b", 11, 8).Node("Sub", ["b", "x"], "y").Output("y")),
        ["Mul broadcast"] = new(Image, () => G(Image).RandomWeight("b", 12, 1, 4, 9, 1).Node("Mul", ["x", "b"], "y").Output("y")),
        ["Sum of three"] = new(Image, () => G(Image).RandomWeight("a", 13, 1, 4, 9, 8).RandomWeight("b", 14, 8)
            .Node("Sum", ["x", "a", "b"], "y").Output("y")),
        ["Concat channels"] = new(Image, () => G(Image).RandomWeight("a", 15, 1, 2, 9, 8)
            .Node("Concat", ["a", "x", "a"], "y", Int("axis", 1)).Output("y")),
        ["Flatten then Gemm transB"] = new(Image, () => G(Image).RandomWeight("w", 16, 5, 288).RandomWeight("c", 17, 5)
            .Node("Flatten", ["x"], "f", Int("axis", 1))
            .Node("Gemm", ["f", "w", "c"], "y", Int("transB", 1), Float("alpha", 0.5f), Float("beta", 2f)).Output("y")),
        ["Flatten axis 2"] = new(Image, () => G(Image).Node("Flatten", ["x"], "y", Int("axis", 2)).Output("y")),
        ["Gemm transA"] = new([6, 3], () => G([6, 3]).RandomWeight("w", 18, 6, 4)
            .Node("Gemm", ["x", "w"], "y", Int("transA", 1)).Output("y")),
        ["Reshape with 0 and -1"] = new(Image, () => G(Image).Int64Weight("s", 0, 2, -1, 4)
            .Node("Reshape", ["x", "s"], "y").Output("y")),
        ["Dropout is identity"] = new(Image, () => G(Image).Node("Dropout", ["x"], "d").Node("Relu", ["d"], "y").Output("y")),
        ["Identity"] = new(Image, () => G(Image).Node("Identity", ["x"], "i").Node("LeakyRelu", ["i"], "y").Output("y")),
        ["Pad constant from inputs"] = new(Image, () => G(Image).Int64Weight("p", 0, 0, 1, 2, 0, 0, 3, 0).Weight("v", [1.5f])
            .Node("Pad", ["x", "p", "v"], "y").Output("y")),
        ["Pad constant from attributes (opset 10)"] = new(Image, () => G(Image, opset: 10)
            .Node("Pad", ["x"], "y", Ints("pads", 0, 1, 2, 0, 0, 0, 0, 1), Float("value", -2f)).Output("y")),
        ["LRN odd size"] = new(Image, () => G(Image)
            .Node("LRN", ["x"], "y", Int("size", 3), Float("alpha", 0.5f), Float("beta", 0.75f), Float("bias", 2f)).Output("y")),
        ["Constant"] = new(Image, () => G(Image)
            .Node("Constant", [], "c", Tensor("value", FloatTensor("c", [2f, -1f, 0.5f, 3f], 4, 1, 1)))
            .Node("Mul", ["x", "c"], "y").Output("y")),
        ["Conv weights as raw_data"] = new(Image, () => G(Image).RawWeight("w", RandomValues(20, 2 * 4 * 3 * 3), 2, 4, 3, 3)
            .RawWeight("b", [0.5f, -0.25f], 2).Node("Conv", ["x", "w", "b"], "y").Output("y")),
        ["Constant scalars"] = new(Image, () => G(Image)
            .Node("Constant", [], "c", Tensor("value", FloatTensor("c", [2.5f])))
            .Node("Constant", [], "d", Float("value_float", -0.75f))
            .Node("Mul", ["x", "c"], "m").Node("Add", ["m", "d"], "y").Output("y")),
    };

    public static TheoryData<string> Names => new(All.Keys);
}
