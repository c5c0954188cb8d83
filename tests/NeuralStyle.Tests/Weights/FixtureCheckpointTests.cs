using NeuralStyle.Tests.Support;
using NeuralStyle.Weights;
using TorchSharp;

namespace NeuralStyle.Tests.Weights;

/// <summary>The two genuine torch.save files in ../shared: same VGG19 weights, one per format.</summary>
public class FixtureCheckpointTests
{
    private static readonly (string Key, long[] Shape)[] Expected =
    [
        ("features.0.weight", [64, 3, 3, 3]), ("features.0.bias", [64]),
        ("features.2.weight", [64, 64, 3, 3]), ("features.2.bias", [64]),
        ("features.5.weight", [128, 64, 3, 3]), ("features.5.bias", [128]),
        ("features.7.weight", [128, 128, 3, 3]), ("features.7.bias", [128]),
        ("features.10.weight", [256, 128, 3, 3]), ("features.10.bias", [256]),
        ("features.12.weight", [256, 256, 3, 3]), ("features.12.bias", [256]),
        ("features.14.weight", [256, 256, 3, 3]), ("features.14.bias", [256]),
        ("features.16.weight", [256, 256, 3, 3]), ("features.16.bias", [256]),
    ];

    [SkippableTheory]
    [InlineData("vgg19-partial-conv3_4.pth")]
    [InlineData("vgg19-partial-conv3_4-legacy.pth")]
    public void LoadsAllSixteenTensorsInOrderWithTheirShapes(string fixture)
    {
        var path = SharedFiles.Fixture(fixture);
        using var scope = torch.NewDisposeScope();

        var dict = CheckpointLoader.Load(path);

        Assert.Equal(Expected.Select(e => e.Key), dict.Keys);
        foreach (var (key, shape) in Expected)
        {
            Assert.Equal(shape, dict[key].shape);
            Assert.Equal(torch.ScalarType.Float32, dict[key].dtype);
            Assert.Equal(DeviceType.CPU, dict[key].device_type);
            Assert.True(dict[key].std().item<float>() > 0, $"{key} should not be constant");
        }
    }

    [SkippableFact]
    public void BothFormatsHoldIdenticalValues()
    {
        var zip = SharedFiles.Fixture("vgg19-partial-conv3_4.pth");
        var legacy = SharedFiles.Fixture("vgg19-partial-conv3_4-legacy.pth");
        using var scope = torch.NewDisposeScope();

        var a = CheckpointLoader.Load(zip);
        var b = CheckpointLoader.Load(legacy);

        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys)
            TensorAssert.Identical(a[key], b[key], key);
    }

    /// <summary>
    /// Format agreement alone cannot catch a mistake both readers share, so check the values
    /// against PyTorch itself: conv1_1 of the reference input must match ref-conv1_1.
    /// </summary>
    [SkippableTheory]
    [InlineData("vgg19-partial-conv3_4.pth")]
    [InlineData("vgg19-partial-conv3_4-legacy.pth")]
    public void Conv1_1WithTheLoadedWeightsReproducesPyTorch(string fixture)
    {
        var path = SharedFiles.Fixture(fixture);
        var input = SharedFiles.Fixture("ref-input-tubingen-96x64.npy");
        var reference = SharedFiles.Fixture("ref-conv1_1-tubingen-96x64.npy");
        using var scope = torch.NewDisposeScope();

        var dict = CheckpointLoader.Load(path);
        var x = Npy.Read(input);
        var mean = torch.tensor(new[] { 0.485f, 0.456f, 0.406f }).view(1, 3, 1, 1);
        var std = torch.tensor(new[] { 0.229f, 0.224f, 0.225f }).view(1, 3, 1, 1);
        var conv = torch.nn.functional.conv2d((x - mean) / std, dict["features.0.weight"], dict["features.0.bias"],
            padding: [1, 1]);
        var expected = Npy.Read(reference);

        Assert.Equal(expected.shape, conv.shape);
        var maxError = (conv - expected).abs().max().item<float>();
        Assert.True(maxError < 1e-3f, $"max |difference| to PyTorch's conv1_1 is {maxError}");
    }
}
