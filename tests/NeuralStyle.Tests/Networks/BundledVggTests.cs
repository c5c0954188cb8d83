using NeuralStyle.Networks;
using NeuralStyle.Tests.Support;
using NeuralStyle.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Networks;

/// <summary>The VGG19 layers that ship with the build: found with no download and no --weights, the real
/// ImageNet network (PyTorch's activations), chosen by --model auto when no full VGG19 is at hand.</summary>
public class BundledVggTests
{
    [Fact]
    public void LoadsWithNoWeightsOptionAndNoCache()
    {
        Assert.True(File.Exists(BundledVgg.Path), $"the build did not copy {BundledVgg.Path}");
        using var scope = torch.NewDisposeScope();
        using var network = FeatureNetworks.Create(ModelSpec.Vgg19Conv3, null, ["relu1_1", "relu3_1", "relu3_2"], PoolingKind.Max);
        var features = network.Extract(network.Normalize(torch.rand(1, 3, 40, 56)), ["relu3_1"])["relu3_1"];
        Assert.Equal([1L, 256, 10, 14], features.shape);
        Assert.True(features.max().item<float>() > 0, "ReLU features of a random image are all zero: weights not loaded?");
    }

    [SkippableTheory]
    [InlineData("conv1_1")]
    [InlineData("relu2_2")]
    [InlineData("relu3_1")]
    public void MatchesPyTorchActivations(string layer)
    {
        using var scope = torch.NewDisposeScope();
        var expected = Npy.Read(SharedFiles.Fixture($"ref-{layer}-tubingen-96x64.npy"));
        using var network = FeatureNetworks.Create(ModelSpec.Vgg19Conv3, null, [layer], PoolingKind.Max);
        var actual = network.Extract(network.Normalize(Npy.Read(SharedFiles.Fixture("ref-input-tubingen-96x64.npy"))), [layer])[layer];
        Assert.Equal(expected.shape, actual.shape);
        // The same tolerance as VggFixtureParityTests: rtol 1e-4 plus 1e-4 of the largest value.
        var excess = ((actual - expected).abs() - expected.abs() * 1e-4 - 1e-4 * expected.abs().max()).max().item<float>();
        Assert.True(excess <= 0, $"{layer}: bundled activations differ from PyTorch's by more than rtol 1e-4");
    }

    [Fact]
    public void DeeperLayersFailInOneLineNamingTheFullModel()
    {
        var e = Assert.Throws<NeuralStyleException>(() => FeatureNetworks.Create(ModelSpec.Vgg19Conv3, null, ["relu1_1", "relu4_1"], PoolingKind.Max));
        Assert.Contains("relu4_1", e.Message);
        Assert.Contains("--model vgg19", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AutoPicksBundledLayersWithoutFullWeightsAndFullVgg19WithThem()
    {
        using var cache = new TempFolder();
        string? Environment(string name) => name == "NEURAL_STYLE_CACHE" ? cache.Path : null;

        Assert.Equal(ModelSpec.Vgg19Conv3, ModelSpec.Auto.Resolve(null, Environment, out var fellBack));
        Assert.True(fellBack);
        Assert.Equal(ModelSpec.Vgg19, ModelSpec.Auto.Resolve("some/vgg19.pth", Environment, out fellBack));
        Assert.False(fellBack);
        var cached = NeuralStyle.Models.ModelCache.FromEnvironment(Environment).PathFor(NeuralStyle.Models.KnownModels.Vgg19);
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        File.WriteAllBytes(cached, [1]);
        Assert.Equal(ModelSpec.Vgg19, ModelSpec.Auto.Resolve(null, Environment, out fellBack));
        // An explicit choice is never changed.
        Assert.Equal(ModelSpec.ResNet18, ModelSpec.ResNet18.Resolve(null, Environment, out _));
    }

    [Fact]
    public void BundledPresetUsesOnlyLayersItHolds()
    {
        var settings = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Vgg19Conv3);
        BundledVgg.RequireLayers(settings.UsedLayers); // throws if the preset reached past conv3_4
        Assert.Throws<NeuralStyleException>(() => Presets.ForModel(Presets.Seed, "seed", ModelSpec.Vgg19Conv3));
    }
}
