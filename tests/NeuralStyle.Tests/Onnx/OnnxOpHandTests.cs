using NeuralStyle.Onnx;
using TorchSharp;
using static NeuralStyle.Tests.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Onnx;

/// <summary>
/// Ops checked against values worked out by hand: the cases ONNX Runtime cannot run (even LRN
/// sizes, opset-6 broadcasting) and the padding rules that are easiest to get subtly wrong.
/// </summary>
public class OnnxOpHandTests
{
    private static float[] Run(OnnxGraphBuilder graph, float[] input, long[] shape)
    {
        using var executor = new OnnxExecutor(graph.Output("y").Build(), "hand-made graph");
        using var scope = torch.NewDisposeScope();
        return TensorCompare.Values(executor.Run(torch.tensor(input, shape), ["y"])["y"]);
    }

    // 1..16 laid out as a 4×4 image.
    private static readonly float[] Ramp = Enumerable.Range(1, 16).Select(i => (float)i).ToArray();

    [Fact]
    public void MaxPoolWithAsymmetricPadsNeverPicksThePadding()
    {
        // Like ResNet18's stem pool: 3×3, stride 2, one row/column of padding at the top/left only.
        // Windows start at -1 and 1: rows {-1,0,1} and {1,2,3}, same for columns. Negative inputs
        // make a zero-valued padding win if it were treated as 0 instead of −∞.
        var negative = Ramp.Select(v => -v).ToArray();
        var y = Run(new OnnxGraphBuilder().Input("x", 1, 1, 4, 4)
            .Node("MaxPool", ["x"], "y", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 0, 0)), negative, [1, 1, 4, 4]);
        Assert.Equal([-1f, -2f, -5f, -6f], y);
    }

    [Fact]
    public void AveragePoolCountsPaddingOnlyWhenAskedTo()
    {
        var ones = Enumerable.Repeat(1f, 9).ToArray();
        OnnxGraphBuilder Pool(long include) => new OnnxGraphBuilder().Input("x", 1, 1, 3, 3)
            .Node("AveragePool", ["x"], "y", Ints("kernel_shape", 2, 2), Ints("pads", 1, 1, 0, 0), Int("count_include_pad", include));
        // Excluded: every window averages real ones only.
        Assert.All(Run(Pool(0), ones, [1, 1, 3, 3]), v => Assert.Equal(1f, v, 6));
        // Included: the corner window has 1 real cell of 4, the edges 2 of 4, the rest 4 of 4.
        Assert.Equal([0.25f, 0.5f, 0.5f, 0.5f, 1f, 1f, 0.5f, 1f, 1f], Run(Pool(1), ones, [1, 1, 3, 3]));
    }

    [Fact]
    public void LrnWithEvenSizeLooksOneChannelBackAndTwoAhead()
    {
        const int channels = 5;
        var x = RandomValues(7, channels * 2 * 3).Select(v => v * 4).ToArray();
        const float alpha = 0.3f, beta = 0.6f, bias = 1.5f;
        var y = Run(new OnnxGraphBuilder().Input("x", 1, channels, 2, 3)
            .Node("LRN", ["x"], "y", Int("size", 4), Float("alpha", alpha), Float("beta", beta), Float("bias", bias)), x, [1, channels, 2, 3]);
        // ONNX: window [c − floor(3/2), c + ceil(3/2)] = [c − 1, c + 2], clipped to the channels.
        for (var c = 0; c < channels; c++)
            for (var p = 0; p < 6; p++)
            {
                var sum = 0.0;
                for (var i = Math.Max(0, c - 1); i <= Math.Min(channels - 1, c + 2); i++) sum += x[i * 6 + p] * x[i * 6 + p];
                var expected = x[c * 6 + p] / Math.Pow(bias + alpha / 4 * sum, beta);
                Assert.Equal(expected, y[c * 6 + p], 5);
            }
    }

    [Fact]
    public void LegacyBroadcastWithAxisAlignsTheSecondInputAtThatAxis()
    {
        var x = RandomValues(3, 2 * 3 * 2);
        var y = Run(new OnnxGraphBuilder(opset: 6).Input("x", 1, 2, 3, 2).Weight("b", [10f, 20f], 2)
            .Node("Add", ["x", "b"], "y", Int("broadcast", 1), Int("axis", 1)), x, [1, 2, 3, 2]);
        // b runs along the channel axis: the first 6 values get +10, the next 6 get +20.
        Assert.Equal(x.Select((v, i) => v + (i < 6 ? 10f : 20f)).ToArray(), y);
    }

    [Fact]
    public void ConvWithAsymmetricPadsEqualsExplicitPaddingThenConv()
    {
        // The hand-derived meaning of pads=[1,2,0,1]: one row on top, none below, two columns left, one right.
        var w = RandomValues(5, 2 * 1 * 3 * 3);
        var y = Run(new OnnxGraphBuilder().Input("x", 1, 1, 4, 4).Weight("w", w, 2, 1, 3, 3)
            .Node("Conv", ["x", "w"], "y", Ints("pads", 1, 2, 0, 1)), Ramp, [1, 1, 4, 4]);
        using var scope = torch.NewDisposeScope();
        var padded = nn.functional.pad(torch.tensor(Ramp, 1, 1, 4, 4), [2, 1, 1, 0]);
        var expected = nn.functional.conv2d(padded, torch.tensor(w, 2, 1, 3, 3));
        Assert.Equal([1L, 2, 3, 5], expected.shape);
        TensorCompare.AssertClose(y, TensorCompare.Values(expected), 1e-6, 1e-6, "conv");
    }
}
