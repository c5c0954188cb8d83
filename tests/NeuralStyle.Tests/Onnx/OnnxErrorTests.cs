using NeuralStyle.Onnx;
using TorchSharp;
using static NeuralStyle.Tests.Onnx.OnnxGraphBuilder;

namespace NeuralStyle.Tests.Onnx;

/// <summary>Everything a user can get wrong ends in a NeuralStyleException with one clear line.</summary>
public class OnnxErrorTests
{
    private static NeuralStyleException OneLine(Action action)
    {
        var e = Assert.Throws<NeuralStyleException>(action);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    // x → Relu → "r" → Softmax → "s": Softmax is not supported.
    private static OnnxExecutor WithSoftmax() => new(new OnnxGraphBuilder().Input("x", 1, 3, 4, 4)
        .Node("Relu", ["x"], "r").Node("Softmax", ["r"], "s").Output("s").Build(), "softmax.onnx");

    [Fact]
    public void UnsupportedOpIsNamedWithItsNode()
    {
        using var executor = WithSoftmax();
        using var x = torch.zeros(1, 3, 4, 4);
        var e = OneLine(() => executor.Run(x, ["s"]));
        Assert.Contains("Softmax node 'Softmax_1'", e.Message);
        Assert.Contains("not supported", e.Message);
    }

    [Fact]
    public void UnsupportedOpDownstreamOfTheRequestedTensorIsNeverEvaluated()
    {
        using var executor = WithSoftmax();
        using var x = torch.ones(1, 3, 4, 4).neg();
        using var r = executor.Run(x, ["r"])["r"];
        Assert.Equal(0f, r.abs().sum().item<float>());
    }

    [Fact]
    public void MissingFile() =>
        Assert.Contains("does not exist", OneLine(() => OnnxExecutor.Load("/nonexistent/model.onnx")).Message);

    [Fact]
    public void NotAnOnnxFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is a text file, not a model\n");
            Assert.Contains("is not an ONNX model", OneLine(() => OnnxExecutor.Load(path)).Message);
            File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]); // a PNG header
            Assert.Contains("is not an ONNX model", OneLine(() => OnnxExecutor.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnknownTensorName()
    {
        using var executor = WithSoftmax();
        using var x = torch.zeros(1, 3, 4, 4);
        Assert.Contains("has no tensor named 'nope'", OneLine(() => executor.Run(x, ["nope"])).Message);
    }

    [Fact]
    public void WrongInputShape()
    {
        using var executor = WithSoftmax();
        using var x = torch.zeros(1, 4, 4, 4);
        Assert.Contains("expects input [N, 3, H, W]", OneLine(() => executor.Run(x, ["r"])).Message);
    }

    [Fact]
    public void WrongLayerNameOnResNet18()
    {
        using var network = ResNet18Network.Create();
        using var x = torch.zeros(1, 3, 32, 32);
        var e = OneLine(() => network.Extract(x, ["conv1", "relu4_2"]));
        Assert.Contains("resnet18 has no layer 'relu4_2'", e.Message);
        Assert.Contains("conv1, layer1_0", e.Message);
    }

    [Fact]
    public void MissingResNet18File() =>
        Assert.Contains("ResNet18 model is missing", OneLine(() => ResNet18Network.Create("/nonexistent/ResNet18.onnx")).Message);

    [Fact]
    public void ImageTooSmallForAKernelSaysWhichNode()
    {
        using var executor = new OnnxExecutor(new OnnxGraphBuilder().Input("x", 1, 1, 8, 8)
            .Node("AveragePool", ["x"], "y", Ints("kernel_shape", 7, 7)).Output("y").Build(), "pool.onnx");
        using var x = torch.zeros(1, 1, 4, 4);
        Assert.Contains("AveragePool node 'AveragePool_0' failed on inputs [1,1,4,4]", OneLine(() => executor.Run(x, ["y"])).Message);
    }

    [Fact]
    public void GemmShapeMismatchIsAnErrorNotACrash()
    {
        using var executor = new OnnxExecutor(new OnnxGraphBuilder().Input("x", 1, 2, 3, 3).RandomWeight("w", 1, 4, 6)
            .Node("Flatten", ["x"], "f").Node("Gemm", ["f", "w"], "y", OnnxGraphBuilder.Int("transB", 1)).Output("y").Build(), "gemm.onnx");
        using var x = torch.zeros(1, 2, 3, 3);
        Assert.Contains("Gemm node 'Gemm_1': cannot multiply [1,18] by [6,4]", OneLine(() => executor.Run(x, ["y"])).Message);
    }
}
