using NeuralStyle.Imaging;
using NeuralStyle.Losses;
using NeuralStyle.Networks;
using NeuralStyle.Bench;
using NeuralStyle.Tests.Support;
using NeuralStyle.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Transfer;

/// <summary>--preset seed must be the seed tutorial, number for number and formula for formula.</summary>
public class SeedPresetTests
{
    [Fact]
    public void PresetHoldsTheTutorialsSettings()
    {
        var seed = Presets.Seed;
        Assert.Equal("conv1_1=1,conv2_1=0.75,conv3_1=0.2,conv4_1=0.2,conv5_1=0.2", LayerWeights.Format(seed.StyleLayers));
        Assert.Equal("conv4_2", seed.ContentLayer);
        Assert.Equal((1.0, 1e6, 0.0), (seed.ContentWeight, seed.StyleWeight, seed.TvWeight));
        Assert.Equal((400, 2000, OptimizerKind.Adam, 0.003), (seed.Size, seed.Iterations, seed.Optimizer, seed.LearningRate));
        Assert.Equal((ImageSpace.Normalized, PoolingKind.Max, LossNormalization.Tutorial), (seed.Space, seed.Pooling, seed.Normalization));
        Assert.Equal(InitialImageKind.Content, seed.Init.Kind);
    }

    [Fact]
    public void ObjectiveEqualsTheTutorialFormulasOnATinyCase()
    {
        using var scope = torch.NewDisposeScope();
        using var network = SyntheticVgg.Network("conv5_1");
        var settings = Presets.Seed;
        torch.manual_seed(3);
        var content = network.Normalize(torch.rand(1, 3, 32, 40));
        var style = network.Normalize(torch.rand(1, 3, 36, 28));
        var target = network.Normalize(torch.rand(1, 3, 32, 40));

        using var objective = new StyleTransferObjective(network, content, [(style, 1.0)],
            settings.StyleLayers.Select(l => (l.Layer, l.Weight)).ToList(), settings.ContentLayer,
            settings.Normalization, settings.ContentWeight, settings.StyleWeight, settings.TvWeight);
        var (total, terms) = objective.Evaluate(target, network.Denormalize(target));

        // The tutorial, written out: gram = view(d, h*w) @ view(d, h*w).t();
        // style_loss += w * mean((G - A)^2) / (d*h*w); content_loss = mean((F - P)^2).
        var layers = settings.UsedLayers.ToArray();
        var t = network.Extract(target, layers);
        var s = network.Extract(style, layers);
        var c = network.Extract(content, layers);
        var styleLoss = 0.0;
        foreach (var (layer, weight) in settings.StyleLayers)
        {
            var (_, d, h, w) = (t[layer].shape[0], t[layer].shape[1], t[layer].shape[2], t[layer].shape[3]);
            var tf = t[layer].view(d, h * w);
            var sf = s[layer].view(s[layer].shape[1], -1);
            var gram = tf.mm(tf.t());
            var styleGram = sf.mm(sf.t());
            styleLoss += weight * (gram - styleGram).pow(2).mean().item<float>() / (d * h * w);
        }
        var contentLoss = (t["conv4_2"] - c["conv4_2"]).pow(2).mean().item<float>();
        var expected = 1 * contentLoss + 1e6 * styleLoss;

        Assert.True(contentLoss > 0 && styleLoss > 0);
        Assert.Equal(contentLoss, terms.Content, 4);
        Assert.Equal(1.0, terms.Style / (1e6 * styleLoss), 4);
        Assert.Equal(1.0, total.item<float>() / expected, 4);
    }

    [Fact]
    public void OptimisesTheNormalisedContentCloneWithoutClamping()
    {
        using var scope = torch.NewDisposeScope();
        using var network = SyntheticVgg.Network("conv5_1");
        torch.manual_seed(5);
        var content = torch.rand(1, 3, 32, 32).mul_(0.8).add_(0.1); // away from 0 and 1, so clamping on save is moot
        var style = torch.rand(1, 3, 32, 32);
        var settings = Presets.Seed with { Size = 32, Iterations = 1 };

        using var result = StyleTransferSession.Stylize(settings, new StyleTransferInputs(ImageSource.FromTensor(content), [ImageSource.FromTensor(style)]), network: network);

        // Adam's first step moves every value by lr·g/(|g|+ε) ≈ ±0.003 in the space being optimised.
        // In the normalised space that is ±0.003·std per pixel value, not ±0.003.
        var change = (result.Image - content).abs();
        for (var channel = 0; channel < 3; channel++)
        {
            var median = change[0, channel].median().item<float>();
            var expected = 0.003 * ImageNetNormalization.Std[channel];
            Assert.InRange(median, expected * 0.99, expected * 1.01);
        }
    }
}
