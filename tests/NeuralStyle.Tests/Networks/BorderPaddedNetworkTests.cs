using NeuralStyle.Networks;
using NeuralStyle.Onnx;
using NeuralStyle.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Networks;

/// <summary>
/// The loss network on a reflected margin (<see cref="BorderPaddedNetwork"/>), with the real bundled ResNet18:
/// its maps cover exactly the image at any size, line up with the raw network's cells, and pass gradient
/// to every pixel. (That it leaves no tensor behind: TensorLeakTests.)
/// </summary>
public sealed class BorderPaddedNetworkTests : IDisposable
{
    private static readonly string[] Stages = ["conv1", "layer1", "layer2", "layer3", "layer4"];
    private static readonly int[] Strides = [2, 4, 8, 16, 32];

    private readonly BorderPaddedNetwork _padded = new(ResNet18Network.Create(), margin: 32, alignment: 32);
    private readonly BorderPaddedNetwork _unpadded = new(ResNet18Network.Create(), margin: 0, alignment: 32);
    private readonly IFeatureNetwork _raw = ResNet18Network.Create();

    public void Dispose()
    {
        _padded.Dispose();
        _unpadded.Dispose();
        _raw.Dispose();
    }

    [Fact]
    public void WithoutMarginAMultipleOf32GivesTheRawFeaturesExactly()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        var image = _raw.Normalize(torch.rand(1, 3, 64, 96));

        var raw = _raw.Extract(image, Stages);
        var padded = _unpadded.Extract(image, Stages);

        foreach (var layer in Stages) TensorAssert.Identical(raw[layer], padded[layer], layer);
    }

    [Theory]
    [InlineData(197, 300)]
    [InlineData(45, 70)] // smaller than the margin: mirrored more than once
    public void EachMapHasOneCellPerStrideOfTheRealImage(int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        var image = _padded.Normalize(torch.rand(1, 3, height, width));

        var features = _padded.Extract(image, Stages);

        for (var i = 0; i < Stages.Length; i++)
        {
            var s = Strides[i];
            Assert.Equal(new long[] { (height + s - 1) / s, (width + s - 1) / s }, features[Stages[i]].shape[2..]);
        }
    }

    [Fact]
    public void CellsAwayFromTheBorderMatchTheRawNetworksCells()
    {
        // conv1 (7×7, stride 2) sees 7 pixels: away from the border the margin changes nothing, so equal
        // cells prove the crop starts exactly at the image's corner.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        var image = _raw.Normalize(torch.rand(1, 3, 64, 96));

        var raw = _raw.Extract(image, ["conv1"])["conv1"];
        var padded = _padded.Extract(image, ["conv1"])["conv1"];

        Assert.Equal(raw.shape, padded.shape);
        var inner = (TensorIndex.Slice(4, -4), TensorIndex.Slice(4, -4));
        Assert.True(torch.allclose(raw[.., .., inner.Item1, inner.Item2], padded[.., .., inner.Item1, inner.Item2], rtol: 1e-5, atol: 1e-5),
            "conv1 cells away from the border differ: the crop is shifted");
        // At the border the margin must change something, or it would not be there.
        Assert.False(torch.allclose(raw[.., .., 0, ..], padded[.., .., 0, ..], rtol: 1e-3, atol: 1e-3));
    }

    [Fact]
    public void GradientReachesEveryPixelIncludingTheBorder()
    {
        using var scope = torch.NewDisposeScope();
        var image = _padded.Normalize(torch.rand(1, 3, 45, 70)).detach().requires_grad_(true);

        var features = _padded.Extract(image, Stages);
        features.Values.Select(f => f.pow(2).mean()).Aggregate((a, b) => a + b).backward();

        using var perPixel = image.grad!.abs().sum(dim: 1);
        Assert.Equal(0L, (perPixel == 0).sum().item<long>());
    }
}
