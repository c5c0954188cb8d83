using NeuralStyle.Losses;
using NeuralStyle.Networks;
using NeuralStyle.Tests.Support;
using NeuralStyle.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Networks;

/// <summary>
/// The VGG network, fed real ImageNet weights, must reproduce PyTorch's activations and Gram matrices
/// (../shared/fixtures/ref-*.npy, computed by torchvision's VGG19 with max pooling).
/// </summary>
public class VggFixtureParityTests
{
    private const double RelativeTolerance = 1e-4;

    [SkippableTheory]
    [InlineData("conv1_1")]
    [InlineData("relu1_1")]
    [InlineData("conv2_1")]
    [InlineData("relu2_2")]
    [InlineData("conv3_1")]
    [InlineData("relu3_1")]
    public void ActivationsMatchPyTorch(string layer)
    {
        using var scope = torch.NewDisposeScope();
        var expected = Npy.Read(SharedFiles.Fixture($"ref-{layer}-tubingen-96x64.npy"));
        using var network = FixtureNetwork("vgg19-partial-conv3_4.pth", "conv3_4");
        var actual = network.Extract(ReferenceInput(network), [layer])[layer];
        AssertClose(expected, actual, layer);
    }

    [SkippableTheory]
    [InlineData("conv1_1")]
    [InlineData("conv2_1")]
    [InlineData("conv3_1")]
    [InlineData("relu1_1")]
    [InlineData("relu2_2")]
    [InlineData("relu3_1")]
    public void UnnormalisedGramMatricesMatchPyTorch(string layer)
    {
        using var scope = torch.NewDisposeScope();
        var expected = Npy.Read(SharedFiles.Fixture($"ref-gram-{layer}-tubingen-96x64.npy"));
        using var network = FixtureNetwork("vgg19-partial-conv3_4-legacy.pth", "conv3_4");
        var features = network.Extract(ReferenceInput(network), [layer])[layer];
        AssertClose(expected, GramMatrix.Compute(features, averageOverPositions: false), $"gram {layer}");
    }

    [SkippableFact]
    public void ExtractStopsAtTheRequestedLayersAndReturnsOnlyThem()
    {
        using var scope = torch.NewDisposeScope();
        using var network = FixtureNetwork("vgg19-partial-conv3_4.pth", "conv3_4");
        var outputs = network.Extract(ReferenceInput(network), ["relu2_1", "conv1_2"]);
        Assert.Equal(["conv1_2", "relu2_1"], outputs.Keys.Order());
        Assert.Equal([1L, 128, 32, 48], outputs["relu2_1"].shape); // one 2×2 pool below block 2
    }

    [SkippableFact]
    public void PartialWeightsFailClearlyForDeeperLayers()
    {
        var path = SharedFiles.Fixture("vgg19-partial-conv3_4.pth");
        var e = Assert.Throws<NeuralStyleException>(() => FeatureNetworks.Create(ModelSpec.Vgg19, path, ["relu1_1", "conv4_1"], PoolingKind.Max));
        Assert.Contains("features.19.weight", e.Message);
        Assert.Contains("conv4_1", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [SkippableFact]
    public void AveragePoolingChangesDeeperLayersOnly()
    {
        using var scope = torch.NewDisposeScope();
        using var max = FixtureNetwork("vgg19-partial-conv3_4.pth", "conv2_1");
        using var avg = FixtureNetwork("vgg19-partial-conv3_4.pth", "conv2_1", PoolingKind.Average);
        var input = ReferenceInput(max);
        var before = (max.Extract(input, ["relu1_2"])["relu1_2"] - avg.Extract(input, ["relu1_2"])["relu1_2"]).abs().max();
        var after = (max.Extract(input, ["pool1"])["pool1"] - avg.Extract(input, ["pool1"])["pool1"]).abs().max();
        Assert.Equal(0, before.item<float>());
        Assert.True(after.item<float>() > 0);
    }

    private static VggFeatureNetwork FixtureNetwork(string file, string deepest, PoolingKind pooling = PoolingKind.Max)
    {
        var path = SharedFiles.Fixture(file);
        var dict = CheckpointLoader.Load(path);
        try { return new VggFeatureNetwork("vgg19", dict, deepest, pooling, path); }
        finally { foreach (var t in dict.Values) t.Dispose(); }
    }

    private static Tensor ReferenceInput(IFeatureNetwork network) =>
        network.Normalize(Npy.Read(SharedFiles.Fixture("ref-input-tubingen-96x64.npy")));

    /// <summary>|a − e| ≤ rtol·|e| + atol, with atol a tiny fraction of the largest reference value
    /// so that near-zero entries (rounding noise) do not dominate.</summary>
    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var atol = RelativeTolerance * expected.abs().max().item<float>();
        var excess = ((actual - expected).abs() - (expected.abs() * RelativeTolerance + atol)).max().item<float>();
        var maxError = (actual - expected).abs().max().item<float>();
        Assert.True(excess <= 0, $"{what}: max |difference| {maxError} exceeds rtol {RelativeTolerance} (atol {atol})");
    }
}
