using NeuralStyle.Models;

namespace NeuralStyle.Tests.Models;

public class KnownModelsTests
{
    [Fact]
    public void VggCheckpointsCarryTheirTorchvisionHashes()
    {
        Assert.Equal("https://download.pytorch.org/models/vgg19-dcbb9e9d.pth", KnownModels.Get("vgg19").Url.ToString());
        Assert.Equal("https://download.pytorch.org/models/vgg16-397923af.pth", KnownModels.Get("VGG16").Url.ToString());
        Assert.Equal("dcbb9e9d", KnownModels.Vgg19.Sha256Prefix);
        Assert.Equal("397923af", KnownModels.Vgg16.Sha256Prefix);
        Assert.Equal((548, 528), (KnownModels.Vgg19.ApproximateMegabytes, KnownModels.Vgg16.ApproximateMegabytes));
    }

    [Theory]
    [InlineData("vgg19-dcbb9e9d.pth", "dcbb9e9d")]
    [InlineData("/x/y/resnet50-0676ba61.pth", "0676ba61")]
    [InlineData("vgg-16.pth", null)]
    [InlineData("weights.pth", null)]
    [InlineData("vgg19-DCBB9E9D.pth", null)]
    public void HashPrefixComesFromTheFileName(string name, string? expected) =>
        Assert.Equal(expected, ModelFileName.TryGetHashPrefix(name));

    [Fact]
    public void MirrorKeepsTheFileName()
    {
        var mirror = KnownModels.BaseUrlOverride(name => name == "NEURAL_STYLE_MODEL_BASE_URL" ? "http://127.0.0.1:8080/mirror/torch" : null);
        Assert.Equal("http://127.0.0.1:8080/mirror/torch/vgg19-dcbb9e9d.pth", KnownModels.Vgg19.UrlUnder(mirror).ToString());
        Assert.Equal(KnownModels.Vgg19.Url, KnownModels.Vgg19.UrlUnder(null));
    }

    [Fact]
    public void MirrorMustBeHttp()
    {
        Assert.Null(KnownModels.BaseUrlOverride(_ => null));
        var error = Assert.Throws<NeuralStyleException>(() => KnownModels.BaseUrlOverride(_ => "ftp://mirror/models/"));
        Assert.Contains("NEURAL_STYLE_MODEL_BASE_URL", error.Message);
    }
}
