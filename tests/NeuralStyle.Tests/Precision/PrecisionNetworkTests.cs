using NeuralStyle.Bench;
using NeuralStyle.Networks;
using NeuralStyle.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Precision;

/// <summary>
/// bf16 feature networks: weights held in bf16, features handed back as float32 and close to the
/// float32 network's, and gradients reaching the float32 image through the casts.
/// </summary>
public class PrecisionNetworkTests
{
    [Fact]
    public void AutoPicksBf16OnlyWhereItWasMeasuredFaster()
    {
        Assert.True(PrecisionChoice.CpuFavoursBf16("AuthenticAMD", ["fpu", "avx512f", "avx512_bf16"]));
        Assert.True(PrecisionChoice.CpuFavoursBf16("GenuineIntel", ["amx_tile", "amx_bf16"]));
        // An Intel Xeon with avx512_bf16 and no AMX ran the default picture 1.3x slower in bf16.
        Assert.False(PrecisionChoice.CpuFavoursBf16("GenuineIntel", ["fpu", "avx512f", "avx512_bf16"]));
        Assert.False(PrecisionChoice.CpuFavoursBf16("AuthenticAMD", ["fpu", "avx2", "avx512f", "amx_tile"]));
        Assert.False(PrecisionChoice.CpuFavoursBf16("", []));
        Assert.Equal(ScalarType.Float32, PrecisionChoice.ComputeType(NeuralStyle.Networks.Precision.Fp32));
        Assert.Equal(ScalarType.BFloat16, PrecisionChoice.ComputeType(NeuralStyle.Networks.Precision.Bf16));
        Assert.Equal(PrecisionChoice.CpuRunsBf16Faster ? ScalarType.BFloat16 : ScalarType.Float32,
            PrecisionChoice.ComputeType(NeuralStyle.Networks.Precision.Auto));
    }

    [Theory]
    [InlineData("half")]
    [InlineData("fp16")]
    [InlineData("")]
    public void ParseRejectsOtherFormatsInOneLine(string text)
    {
        var e = Assert.Throws<NeuralStyleException>(() => PrecisionChoice.Parse(text));
        Assert.Equal($"--precision must be auto, fp32 or bf16, not '{text}'", e.Message);
    }

    [Fact]
    public void VggBf16FeaturesAreFloat32AndCloseToFp32()
    {
        using var scope = NewDisposeScope();
        using var fp32 = SyntheticVgg.Network("relu3_1");
        using var bf16 = SyntheticVgg.Network("relu3_1", computeType: ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, bf16.ComputeType);
        torch.manual_seed(3);
        var input = bf16.Normalize(torch.rand(1, 3, 40, 40));
        var expected = fp32.Extract(input, ["relu1_1", "relu3_1"]);
        var actual = bf16.Extract(input, ["relu1_1", "relu3_1"]);
        foreach (var layer in new[] { "relu1_1", "relu3_1" })
        {
            Assert.Equal(ScalarType.Float32, actual[layer].dtype);
            Assert.Equal(expected[layer].shape, actual[layer].shape);
            // bf16 keeps 8 significant bits (~0.4 %); errors add up over layers but stay at the percent level.
            var relative = (actual[layer] - expected[layer]).norm().item<float>() / expected[layer].norm().item<float>();
            Assert.InRange(relative, 0, 0.05);
            Assert.True(relative > 0, "bf16 gave bit-identical features: the network did not compute in bf16");
        }
    }

    [Fact]
    public void VggBf16GradientReachesTheFloat32Image()
    {
        using var scope = NewDisposeScope();
        using var fp32 = SyntheticVgg.Network("relu2_1");
        using var bf16 = SyntheticVgg.Network("relu2_1", computeType: ScalarType.BFloat16);
        torch.manual_seed(4);
        var start = torch.rand(1, 3, 32, 32);
        Tensor Gradient(IFeatureNetwork network)
        {
            var image = start.clone().requires_grad_(true);
            network.Extract(image, ["relu2_1"])["relu2_1"].square().mean().backward();
            return image.grad!.clone();
        }
        var expected = Gradient(fp32);
        var actual = Gradient(bf16);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        var cosine = (actual * expected).sum().item<float>() / (actual.norm().item<float>() * expected.norm().item<float>());
        Assert.True(cosine > 0.98, $"bf16 gradient points elsewhere (cosine {cosine})");
    }

    [Fact]
    public void ResNet18Bf16FeaturesAreFloat32AndCloseToFp32()
    {
        using var scope = NewDisposeScope();
        using var fp32 = ResNet18Network.Create();
        using var bf16 = ResNet18Network.Create();
        bf16.UseComputeType(ScalarType.BFloat16);
        torch.manual_seed(5);
        var image = torch.rand(1, 3, 64, 64).requires_grad_(true);
        var expected = fp32.Extract(fp32.Normalize(image), ["layer2"])["layer2"];
        var actual = bf16.Extract(bf16.Normalize(image), ["layer2"])["layer2"];
        Assert.Equal(ScalarType.Float32, actual.dtype);
        var relative = (actual - expected).norm().item<float>() / expected.norm().item<float>();
        Assert.InRange(relative, 1e-6, 0.05);
        actual.square().mean().backward();
        Assert.Equal(ScalarType.Float32, image.grad!.dtype);
        Assert.True(image.grad!.abs().sum().item<float>() > 0);
    }
}
