using NeuralStyle.Imaging;
using NeuralStyle.Losses;
using NeuralStyle.Networks;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Controls;

/// <summary>Several style images with blend weights (<c>STYLE S2 … --style-blend</c>), on real ResNet18 weights.</summary>
public sealed class StyleBlendTests(ITestOutputHelper output)
{
    [Fact]
    public void BlendOneZeroIsExactlyTheFirstStyleAlone()
    {
        using var single = Run(Small(), [Starry]);
        using var blended = Run(Small(), [Starry, Scream], [1, 0]);
        // x + 0·y is x exactly, so the blended target, and hence every iterate, is bit-identical.
        using var difference = (single - blended).abs().max();
        Assert.Equal(0f, difference.item<float>());
    }

    [Fact]
    public void HalfAndHalfLandsBetweenTheTwoStyles()
    {
        using var starry = Run(Small(), [Starry]);
        using var scream = Run(Small(), [Scream]);
        using var half = Run(Small(), [Starry, Scream], [0.5, 0.5]);
        using var toStarry = new StyleDistance(Starry);
        using var toScream = new StyleDistance(Scream);
        var (aa, ah, ab) = (toStarry.Of(starry), toStarry.Of(half), toStarry.Of(scream));
        var (ba, bh, bb) = (toScream.Of(starry), toScream.Of(half), toScream.Of(scream));
        output.WriteLine($"distance to Starry Night: starry-only {aa:F4}, 0.5/0.5 {ah:F4}, scream-only {ab:F4}");
        output.WriteLine($"distance to The Scream:   starry-only {ba:F4}, 0.5/0.5 {bh:F4}, scream-only {bb:F4}");
        Assert.InRange(ah, aa, ab);
        Assert.InRange(bh, bb, ba);
    }

    /// <summary>The gatys-style relative Gram error of an image against one painting, summed over
    /// ResNet18's conv1, layer1 and layer2, at the sizes the runs used.</summary>
    private sealed class StyleDistance : IDisposable
    {
        private static readonly string[] Layers = ["conv1", "layer1", "layer2"];
        private readonly IFeatureNetwork _network = FeatureNetworks.Create(ModelSpec.ResNet18, null, Layers, PoolingKind.Max);
        private readonly List<GramStyleLoss> _losses = new();

        public StyleDistance(string painting)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var size = ImageLoader.ReadSize(painting).WithLongestSide(64);
            var style = ImageLoader.Load(painting, RoundTo32(size.Width), RoundTo32(size.Height));
            var features = _network.Extract(_network.Normalize(style), Layers);
            foreach (var layer in Layers)
                _losses.Add(new GramStyleLoss(layer, 1, GramStyleLoss.Gram(features[layer], LossNormalization.ScaleFree), LossNormalization.ScaleFree));
        }

        public double Of(Tensor image)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var features = _network.Extract(_network.Normalize(image), Layers);
            return _losses.Sum(l => (double)l.Evaluate(features[l.Layer]).item<float>());
        }

        private static int RoundTo32(int side) => Math.Max(32, (int)Math.Round(side / 32.0) * 32);

        public void Dispose()
        {
            foreach (var l in _losses) l.Dispose();
            _network.Dispose();
        }
    }

    [Fact]
    public void WeightsAreNormalisedSoScalingThemChangesNothing()
    {
        using var unit = Run(Small(5), [Starry, Scream], [0.7, 0.3]);
        using var scaled = Run(Small(5), [Starry, Scream], [7, 3]);
        Assert.True(allclose(unit, scaled, rtol: 0, atol: 1e-5));
    }
}
