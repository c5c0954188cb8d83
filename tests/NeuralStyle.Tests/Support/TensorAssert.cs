using TorchSharp;

namespace NeuralStyle.Tests.Support;

/// <summary>Exact tensor comparison (PyTorch's torch.equal): same dtype, same shape, same values.</summary>
public static class TensorAssert
{
    public static void Identical(torch.Tensor expected, torch.Tensor actual, string what)
    {
        Assert.True(expected.dtype == actual.dtype, $"{what}: dtype {actual.dtype}, expected {expected.dtype}");
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]");
        using var same = torch.eq(expected, actual).all();
        Assert.True(same.item<bool>(), $"{what}: values differ");
    }
}
