using NeuralStyle.Onnx;

namespace NeuralStyle.Tests.Onnx;

/// <summary>`models inspect` lists the graph's tensors with their shapes at the requested size.</summary>
public class OnnxInspectorTests
{
    [Theory]
    [InlineData(224, 224, new long[] { 112, 112, 56, 56, 28, 28, 14, 14, 7, 7 })]
    [InlineData(160, 192, new long[] { 80, 96, 40, 48, 20, 24, 10, 12, 5, 6 })]
    public void ListsResNet18StagesWithTheirShapes(int height, int width, long[] sizes)
    {
        var tensors = OnnxInspector.Inspect(ResNet18Network.BundledPath, height, width);
        long[] channels = [64, 64, 128, 256, 512];
        for (var i = 0; i < ResNet18Network.Stages.Count; i++)
        {
            var info = Assert.Single(tensors, t => t.Name == ResNet18Network.Stages[i].Value);
            Assert.Equal("Relu", info.OpType);
            Assert.Equal([1, channels[i], sizes[2 * i], sizes[2 * i + 1]], info.Shape!);
        }
        // Every node output is listed, in graph order, starting with the stem convolution.
        Assert.Equal(("Convolution249_Output_0", "Conv"), (tensors[0].Name, tensors[0].OpType));
        Assert.Equal(74, tensors.Count); // 22 Conv, 22 BatchNormalization, 19 Relu, 9 Add, 2 pools
    }

    [Fact]
    public void TensorsThatCannotBeComputedAtThisSizeAreReportedNotFatal()
    {
        // At width 200 the CNTK padding gives layer3's two branches widths 12 and 13: the residual Add
        // fails, and everything after it, while the shallower tensors still have shapes.
        var tensors = OnnxInspector.Inspect(ResNet18Network.BundledPath, 160, 200);
        Assert.Equal([1, 128, 20, 25], tensors.Single(t => t.Name == "ReLU315_Output_0").Shape!);
        var add = tensors.Single(t => t.Name == "Plus331_Output_0");
        Assert.Null(add.Shape);
        Assert.Contains("Add node 'Plus331' failed", add.Problem);
        Assert.Null(tensors.Single(t => t.Name == "ReLU393_Output_0").Shape);
        Assert.Contains("has no value", tensors.Single(t => t.Name == "ReLU393_Output_0").Problem);
    }

    [Fact]
    public void LayerShapesUseFriendlyNames()
    {
        using var network = ResNet18Network.Create();
        var shapes = network.LayerShapes(64, 96, ["conv1", "layer4_2", "layer4"]);
        Assert.Equal([1, 64, 32, 48], shapes["conv1"]);
        Assert.Equal([1, 512, 2, 3], shapes["layer4_2"]);
        Assert.Equal(shapes["layer4_2"], shapes["layer4"]);
    }

    [Fact]
    public void FeatureMapsAreTheFourDimensionalTensors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"inspect-{Guid.NewGuid():N}.onnx");
        try
        {
            new OnnxGraphBuilder().Input("x", 1, 3, 8, 8).RandomWeight("w", 1, 4, 3, 3, 3).RandomWeight("g", 2, 5, 4)
                .Node("Conv", ["x", "w"], "c", OnnxGraphBuilder.Ints("strides", 2, 2))
                .Node("Relu", ["c"], "r")
                .Node("GlobalAveragePool", ["r"], "p")
                .Node("Flatten", ["p"], "f")
                .Node("Gemm", ["f", "g"], "y", OnnxGraphBuilder.Int("transB", 1))
                .Output("y").Save(path);
            // Sizes come from the requested 10×12 input, not the 8×8 recorded in the file.
            var tensors = OnnxInspector.Inspect(path, 10, 12);
            Assert.Equal(["c", "r", "p", "f", "y"], tensors.Select(t => t.Name));
            Assert.Equal("[1, 4, 4, 5]", tensors[0].ShapeText);
            Assert.Equal([1L, 5], tensors[4].Shape!);
            Assert.Equal(["c", "r", "p"], OnnxInspector.FeatureMaps(tensors).Select(t => t.Name));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
