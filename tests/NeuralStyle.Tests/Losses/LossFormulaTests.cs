using NeuralStyle.Losses;
using TorchSharp;

namespace NeuralStyle.Tests.Losses;

/// <summary>Each loss term against values worked out by hand.</summary>
public class LossFormulaTests
{
    private static torch.Tensor Features() => torch.tensor(new float[] { 1, 2, 3, 4, 0, 1, 0, 1 }).reshape(1, 2, 2, 2);

    [Fact]
    public void TutorialStyleLossIsWeightedMeanSquaredGramErrorOverCHW()
    {
        using var features = Features();                                   // G = [[30,6],[6,2]]
        using var target = torch.tensor(new float[] { 28, 6, 6, 0 }).reshape(2, 2); // errors 2,0,0,2
        using var loss = new GramStyleLoss("x", 0.5, target, LossNormalization.Tutorial);
        using var value = loss.Evaluate(features);
        // 0.5 · mean(4,0,0,4) / (C·H·W = 8) = 0.5 · 2 / 8
        Assert.Equal(0.125, value.item<float>(), 6);
    }

    [Fact]
    public void ScaleFreeStyleLossIsRelativeGramError()
    {
        using var features = Features();                                   // G/HW = [[7.5,1.5],[1.5,0.5]]
        using var target = torch.tensor(new float[] { 7.5f, 1.5f, 1.5f, 2.5f }).reshape(2, 2);
        using var loss = new GramStyleLoss("x", 2, target, LossNormalization.ScaleFree);
        using var value = loss.Evaluate(features);
        // mean((G−A)²) = 4/4 = 1; mean(A²) = (56.25+2.25+2.25+6.25)/4 = 16.75; weight 2.
        Assert.Equal(2 / 16.75, value.item<float>(), 6);
    }

    [Fact]
    public void StyleLossIsZeroWhenGramMatches()
    {
        using var features = torch.randn(1, 3, 4, 4);
        using var gram = GramStyleLoss.Gram(features, LossNormalization.ScaleFree);
        using var loss = new GramStyleLoss("x", 1, gram, LossNormalization.ScaleFree);
        using var value = loss.Evaluate(features);
        Assert.Equal(0, value.item<float>(), 6);
    }

    [Fact]
    public void ContentLossIsMeanSquaredErrorAndRelativeWhenScaleFree()
    {
        using var features = Features();
        using var target = torch.tensor(new float[] { 1, 2, 3, 2, 0, 1, 0, 1 }).reshape(1, 2, 2, 2); // one error of 2
        using var tutorial = new ContentLoss("x", target, LossNormalization.Tutorial);
        using var scaleFree = new ContentLoss("x", target, LossNormalization.ScaleFree);
        using var t = tutorial.Evaluate(features);
        using var s = scaleFree.Evaluate(features);
        Assert.Equal(4.0 / 8, t.item<float>(), 6);
        // mean(P²) = (1+4+9+4+0+1+0+1)/8 = 20/8
        Assert.Equal(4.0 / 8 / (20.0 / 8), s.item<float>(), 6);
    }

    [Fact]
    public void TotalVariationIsMeanSquaredNeighbourDifference()
    {
        // One channel, 2×3: rows [0,1,3] and [2,2,2].
        using var image = torch.tensor(new float[] { 0, 1, 3, 2, 2, 2 }).reshape(1, 1, 2, 3);
        using var tv = TotalVariationLoss.Evaluate(image);
        // vertical diffs 2,1,−1 → mean 2; horizontal 1,2,0,0 → mean 5/4.
        Assert.Equal(2 + 1.25, tv.item<float>(), 6);
    }

    [Fact]
    public void ASideOfOnePixelHasNoVariationAlongIt()
    {
        // One row [0,1,3]: no vertical neighbours (0, not the NaN of an empty mean); horizontal diffs 1,2 → mean 5/2.
        using var row = torch.tensor(new float[] { 0, 1, 3 }).reshape(1, 1, 1, 3);
        using var tv = TotalVariationLoss.Evaluate(row);
        Assert.Equal(2.5, tv.item<float>(), 6);
        using var pixel = torch.ones(1, 3, 1, 1);
        using var none = TotalVariationLoss.Evaluate(pixel);
        Assert.Equal(0, none.item<float>());
    }

    [Fact]
    public void GradientsFlowToTheImage()
    {
        using var image = torch.rand(1, 3, 8, 8, requires_grad: true);
        using var tv = TotalVariationLoss.Evaluate(image);
        tv.backward();
        Assert.True(image.grad!.abs().sum().item<float>() > 0);
    }
}
