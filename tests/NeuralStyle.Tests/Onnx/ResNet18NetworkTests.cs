using NeuralStyle.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Onnx;

/// <summary>The bundled ResNet18 as a feature network: file location, layer names, input convention.</summary>
public class ResNet18NetworkTests
{
    [Fact]
    public void BundledFileIsCopiedBesideTheAssembly() =>
        Assert.True(new FileInfo(ResNet18Network.BundledPath).Length > 60_000_000, ResNet18Network.BundledPath);

    [Fact]
    public void LayersAreStagesAndTheirBlocksDiscoveredFromTheGraph()
    {
        using var network = ResNet18Network.Create();
        Assert.Equal("resnet18", network.Name);
        Assert.Equal(
            ["conv1", "layer1_0", "layer1_1", "layer1", "layer2_0", "layer2_1", "layer2", "layer3_0", "layer3_1", "layer3",
             "layer4_0", "layer4_1", "layer4_2", "layer4"],
            network.LayerNames);
        Assert.Equal("ReLU269_Output_0", network.TensorFor("layer1_0"));
        Assert.Equal("ReLU393_Output_0", network.TensorFor("layer4_2"));
        Assert.Equal(network.TensorFor("layer4_2"), network.TensorFor("layer4"));
    }

    [Fact]
    public void NormalizeIsBgrTimes255MinusChannelMeansAndDenormalizeInvertsIt()
    {
        using var network = ResNet18Network.Create();
        using var scope = torch.NewDisposeScope();
        // One pixel per channel value: R=1, G=0.5, B=0.
        var rgb = torch.tensor(new[] { 1f, 0.5f, 0f }, 1, 3, 1, 1);
        var input = network.Normalize(rgb);
        Assert.Equal([0 - 103.06f, 127.5f - 115.90f, 255 - 123.15f], TensorCompare.Values(input), new ToleranceComparer(1e-4));
        TensorCompare.AssertClose(TensorCompare.Values(network.Denormalize(input)), [1f, 0.5f, 0f], 0, 1e-6, "round trip");
    }

    [Fact]
    public void ExtractGivesAliasedLayersTheirOwnHandlesAndKeepsGradients()
    {
        using var network = ResNet18Network.Create();
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(1, 3, 64, 64).requires_grad_(true);
        var outputs = network.Extract(network.Normalize(x), ["layer1", "layer1_1", "conv1"]);
        Assert.NotSame(outputs["layer1"], outputs["layer1_1"]);
        outputs["layer1_1"].Dispose();
        Assert.Equal([1L, 64, 16, 16], outputs["layer1"].shape); // still usable after its alias is gone
        outputs["layer1"].square().mean().backward();
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void ExtractLeavesNoTensorsBehindButItsResults()
    {
        using var network = ResNet18Network.Create();
        using var x = torch.rand(1, 3, 64, 64);
        long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var before = Live();
        var outputs = network.Extract(x, ["conv1", "layer2_1", "layer3"]);
        Assert.Equal(before + 3, Live()); // only the three results are alive: intermediates were freed
        foreach (var tensor in outputs.Values) tensor.Dispose();
        Assert.Equal(before, Live());
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
