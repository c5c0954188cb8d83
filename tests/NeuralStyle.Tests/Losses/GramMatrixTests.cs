using NeuralStyle.Losses;
using TorchSharp;

namespace NeuralStyle.Tests.Losses;

public class GramMatrixTests
{
    // Two channels on a 2×2 map: F = [[1,2,3,4],[0,1,0,1]] as C × H·W.
    private static torch.Tensor Features() =>
        torch.tensor(new float[] { 1, 2, 3, 4, 0, 1, 0, 1 }).reshape(1, 2, 2, 2);

    [Fact]
    public void UnnormalisedGramIsFeaturesTimesTheirTranspose()
    {
        using var features = Features();
        using var gram = GramMatrix.Compute(features, averageOverPositions: false);
        // Hand-computed: 1+4+9+16 = 30, 0+2+0+4 = 6, 0+1+0+1 = 2.
        Assert.Equal(new float[] { 30, 6, 6, 2 }, gram.data<float>().ToArray());
    }

    [Fact]
    public void ChannelsLastFeaturesGiveTheSameGramAndGradient()
    {
        // The networks hand over channels-last maps; the Gram then reads them as H·W × C without a copy.
        using var scope = torch.NewDisposeScope();
        var values = torch.randn([1, 5, 6, 7], generator: new torch.Generator(3));
        var nchw = values.clone().requires_grad_(true);
        var nhwc = values.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).detach().requires_grad_(true);
        Assert.Equal(1, nhwc.stride()[1]); // really channels-last

        var expected = GramMatrix.Compute(nchw, averageOverPositions: true);
        var actual = GramMatrix.Compute(nhwc, averageOverPositions: true);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
        expected.square().sum().backward();
        actual.square().sum().backward();
        Assert.True(nhwc.grad!.allclose(nchw.grad!, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void AveragedGramDividesByThePositionCount()
    {
        using var features = Features();
        using var gram = GramMatrix.Compute(features, averageOverPositions: true);
        Assert.Equal(new float[] { 7.5f, 1.5f, 1.5f, 0.5f }, gram.data<float>().ToArray());
    }

    [Fact]
    public void AveragedGramDoesNotDependOnImageSize()
    {
        // Tiling a feature map 2×2 keeps its statistics; the averaged Gram must not change.
        using var features = torch.randn(1, 4, 5, 6);
        using var tiled = features.repeat(1, 1, 2, 2);
        using var small = GramMatrix.Compute(features, true);
        using var large = GramMatrix.Compute(tiled, true);
        Assert.True(small.allclose(large, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void BatchesAreRejected()
    {
        using var batch = torch.zeros(2, 3, 4, 4);
        Assert.Throws<ArgumentException>(() => GramMatrix.Compute(batch, false));
    }
}
