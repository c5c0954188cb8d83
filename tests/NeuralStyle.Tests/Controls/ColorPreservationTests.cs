using NeuralStyle.Imaging;
using NeuralStyle.Transfer;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Controls;

/// <summary><c>--preserve-color luminance|histogram</c> on real images and real ResNet18 weights.</summary>
public sealed class ColorPreservationTests(ITestOutputHelper output)
{
    /// <summary>Mean |ΔI| + |ΔQ| between two same-size images: how far apart their chroma is.</summary>
    private static double ChromaDistance(Tensor a, Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        var da = ColorTransfer.ToYiq(a.to(ScalarType.Float64)).narrow(1, 1, 2);
        var db = ColorTransfer.ToYiq(b.to(ScalarType.Float64)).narrow(1, 1, 2);
        return (da - db).abs().mean().item<double>();
    }

    [Fact]
    public void LuminanceModeKeepsThePhotosChroma()
    {
        var settings = Small(20);
        using var plain = Run(settings, [Starry]);
        using var kept = Run(settings with { PreserveColor = ColorPreservation.Luminance }, [Starry]);
        var size = ImageResize.SizeOf(plain);
        using var photo = ImageLoader.Load(Photo, size.Width, size.Height);

        var without = ChromaDistance(plain, photo);
        var with = ChromaDistance(kept, photo);
        output.WriteLine($"mean |Δchroma| vs photo: without {without:F5}, luminance {with:F5}");
        Assert.True(with < 0.01, $"luminance mode: chroma differs by {with}");
        Assert.True(with < without / 5, $"luminance {with} is not far below plain {without}");
        // The style did act on the luminance: the output is not just the photo.
        using var diff = (kept - photo).abs().mean();
        Assert.True(diff.item<float>() > 0.01, $"output barely differs from the photo ({diff.item<float>()})");
    }

    [Fact]
    public void YiqRoundTripsAndRecombineTakesChromaFromTheContent()
    {
        using var photo = ImageLoader.Load(Photo, 64, 48);
        using var painting = ImageLoader.Load(Starry, 64, 48);
        using var back = ColorTransfer.FromYiq(ColorTransfer.ToYiq(photo));
        Assert.True(allclose(back, photo, atol: 1e-5));
        using var grey = ColorTransfer.LuminanceAsGrey(painting);
        using var recombined = ColorTransfer.RecombineChroma(grey, photo);
        Assert.True(ChromaDistance(recombined, photo) < 0.005);
    }

    [Fact]
    public void MatchedLuminanceHasThePhotosMeanAndSpread()
    {
        using var photo = ImageLoader.Load(Photo, 64);
        using var painting = ImageLoader.Load(Starry, 80);
        using var matched = ColorTransfer.MatchedLuminance(painting, photo);
        using var y = ColorTransfer.LuminanceAsGrey(photo);
        Assert.Equal(y.mean().item<float>(), matched.mean().item<float>(), 4);
        Assert.Equal(y.std().item<float>(), matched.std().item<float>(), 4);
    }

    [Theory]
    [InlineData("starry_night.jpg")]
    [InlineData("scream.jpg")]
    public void HistogramModeGivesThePaintingThePhotosColourMeanAndCovariance(string painting)
    {
        using var photo = ImageLoader.Load(Photo, 96);
        using var style = ImageLoader.Load(Path.Combine(Examples, painting), 120);
        using var mapped = ColorTransfer.MatchColorStatistics(style, photo);

        var (meanC, covC) = ColorTransfer.ColorStatistics(photo);
        var (meanS, covS) = ColorTransfer.ColorStatistics(style);
        var (meanM, covM) = ColorTransfer.ColorStatistics(mapped);
        using (meanC) using (covC) using (meanS) using (covS) using (meanM) using (covM)
        {
            var before = (covS - covC).abs().max().item<double>();
            var after = (covM - covC).abs().max().item<double>();
            output.WriteLine($"{painting}: max |Δcov| before {before:E2}, after {after:E2}; max |Δmean| after {(meanM - meanC).abs().max().item<double>():E2}");
            Assert.True(before > 1e-3, "the painting's colours should differ from the photo's to begin with");
            // float32 pixels limit the match to ~1e-6 of values of order 1e-2.
            Assert.True(allclose(meanM, meanC, rtol: 0, atol: 1e-5));
            Assert.True(allclose(covM, covC, rtol: 0, atol: 1e-5));
            Assert.Equal(style.shape, mapped.shape);
        }
    }
}
