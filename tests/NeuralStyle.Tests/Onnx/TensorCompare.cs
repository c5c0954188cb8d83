using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Onnx;

/// <summary>Element-wise comparison of our tensors against reference values, reporting the worst case.</summary>
public static class TensorCompare
{
    public static float[] Values(Tensor t) => t.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();

    /// <summary>Largest |actual − expected|.</summary>
    public static double MaxAbsDiff(float[] actual, float[] expected) =>
        actual.Zip(expected, (a, e) => Math.Abs((double)a - e)).DefaultIfEmpty(0).Max();

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| everywhere, naming the worst element.</summary>
    public static void AssertClose(float[] actual, float[] expected, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = -1;
        var worstExcess = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            var excess = Math.Abs((double)actual[i] - expected[i]) - (atol + rtol * Math.Abs(expected[i]));
            if (excess > worstExcess || double.IsNaN(actual[i]) != double.IsNaN(expected[i]))
            {
                worst = i;
                worstExcess = double.IsNaN(excess) ? double.PositiveInfinity : excess;
            }
        }
        Assert.True(worst < 0,
            worst < 0 ? "" : $"{what}: element {worst} is {actual[worst]}, expected {expected[worst]} (max abs diff {MaxAbsDiff(actual, expected):G3})");
    }
}
