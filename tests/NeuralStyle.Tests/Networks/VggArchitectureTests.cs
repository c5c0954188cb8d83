using NeuralStyle.Networks;

namespace NeuralStyle.Tests.Networks;

/// <summary>Layer names must land on torchvision's <c>features</c> indices, or checkpoint keys go to the wrong layers.</summary>
public class VggArchitectureTests
{
    [Theory]
    [InlineData("conv1_1", 0)]
    [InlineData("relu1_1", 1)]
    [InlineData("conv1_2", 2)]
    [InlineData("pool1", 4)]
    [InlineData("conv2_1", 5)]
    [InlineData("relu2_2", 8)]
    [InlineData("conv3_1", 10)]
    [InlineData("conv3_4", 16)]
    [InlineData("conv4_1", 19)]
    [InlineData("relu4_2", 22)]
    [InlineData("conv5_1", 28)]
    [InlineData("relu5_1", 29)]
    [InlineData("pool5", 36)]
    public void Vgg19IndicesMatchTorchvision(string name, int index)
    {
        Assert.Equal(index, VggArchitecture.Vgg19.Single(l => l.Name == name).Index);
    }

    [Theory]
    [InlineData("conv3_3", 14)]
    [InlineData("pool3", 16)]
    [InlineData("conv4_2", 19)]
    [InlineData("conv5_3", 28)]
    [InlineData("pool5", 30)]
    public void Vgg16IndicesMatchTorchvision(string name, int index)
    {
        Assert.Equal(index, VggArchitecture.Vgg16.Single(l => l.Name == name).Index);
    }

    [Fact]
    public void StackSizesAndChannelWidthsAreVggs()
    {
        Assert.Equal(37, VggArchitecture.Vgg19.Count);
        Assert.Equal(31, VggArchitecture.Vgg16.Count);
        Assert.Equal(16, VggArchitecture.Vgg19.Count(l => l.Kind == VggLayerKind.Conv));
        var conv41 = VggArchitecture.Vgg19.Single(l => l.Name == "conv4_1");
        Assert.Equal((256, 512), (conv41.InChannels, conv41.OutChannels));
    }

    [Fact]
    public void UnknownModelIsAUserError()
    {
        var e = Assert.Throws<NeuralStyleException>(() => VggArchitecture.ForModel("vgg11"));
        Assert.Contains("vgg11", e.Message);
    }
}
