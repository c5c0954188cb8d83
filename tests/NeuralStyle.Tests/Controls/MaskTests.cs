using NeuralStyle.Reports;
using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Tests.Support;
using NeuralStyle.Transfer;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Controls;

/// <summary><c>--mask-pairs</c>: guided Gram matrices on the fixture VGG19 weights (relu1_1…relu3_1 carry colour).</summary>
public sealed class MaskTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A mask file white on the left half (or the right), any size: it is stretched to the content.</summary>
    private string HalfMask(string name, bool left, int width = 40, int height = 30)
    {
        using var mask = torch.zeros(1, 3, height, width);
        mask.narrow(3, left ? 0 : width / 2, width / 2).fill_(1);
        var path = _dir.File(name);
        ImageSaver.Save(mask, path);
        return path;
    }

    private static StyleTransferSettings Vgg(int iterations) => Presets.Gatys with
    {
        Size = 64, Iterations = iterations, Threads = 1, StyleWeight = 20,
        StyleLayers = LayerWeights.Parse("relu1_1,relu2_1,relu3_1"), ContentLayer = "relu3_2",
        Model = ModelSpec.Vgg19, WeightsPath = SharedFiles.Fixture("vgg19-partial-conv3_4.pth"),
    };

    /// <summary>Euclidean distance between the mean colour of a half of the image and a painting's mean colour.</summary>
    private static double HalfDistance(Tensor image, bool left, double[] paintingMean)
    {
        var width = image.shape[3];
        using var half = image.narrow(3, left ? 0 : width / 2, width / 2);
        var m = ChannelMeans(half);
        return Math.Sqrt(m.Zip(paintingMean, (a, b) => (a - b) * (a - b)).Sum());
    }

    [SkippableFact]
    public void EachRegionMovesTowardItsOwnPainting()
    {
        var settings = Vgg(25);
        var (left, right) = (HalfMask("left.png", true), HalfMask("right.png", false));
        using var a = Run(settings with { MaskPairs = [new(left, Starry), new(right, Scream)] }, [Starry]);
        using var b = Run(settings with { MaskPairs = [new(left, Scream), new(right, Starry)] }, [Starry]);
        using var starryImage = ImageLoader.Load(Starry, 64);
        using var screamImage = ImageLoader.Load(Scream, 64);
        var (starry, scream) = (ChannelMeans(starryImage), ChannelMeans(screamImage));

        // Same photo, same run, only the assignment swapped: each half must be nearer the painting it was given.
        var leftToStarry = (A: HalfDistance(a, true, starry), B: HalfDistance(b, true, starry));
        var rightToScream = (A: HalfDistance(a, false, scream), B: HalfDistance(b, false, scream));
        output.WriteLine($"left half → Starry mean colour: given Starry {leftToStarry.A:F4}, given Scream {leftToStarry.B:F4}");
        output.WriteLine($"right half → Scream mean colour: given Scream {rightToScream.A:F4}, given Starry {rightToScream.B:F4}");
        Assert.True(leftToStarry.A < leftToStarry.B, $"left half: {leftToStarry}");
        Assert.True(rightToScream.A < rightToScream.B, $"right half: {rightToScream}");
    }

    [SkippableFact]
    public void AMaskThatCoversEverythingGivesThatStylesPlainLoss()
    {
        // An all-white mask (8×8, stretched) leaves no background, and its guided Gram is the plain Gram,
        // so the first step (the content image, before any update) must measure the same style term.
        var white = _dir.File("white.png");
        using (var ones = torch.ones(1, 3, 8, 8)) ImageSaver.Save(ones, white);
        var settings = Vgg(1);
        var plain = FirstStyleTerm(settings, [Scream]);
        var masked = FirstStyleTerm(settings with { MaskPairs = [new(white, Scream)] }, [Starry]);
        output.WriteLine($"first style term: plain {plain:G6}, all-white mask {masked:G6}");
        Assert.Equal(plain, masked, 1e-5 * plain);
    }

    private static double FirstStyleTerm(StyleTransferSettings settings, IReadOnlyList<string> styles)
    {
        var history = new LossHistory(); // records every step
        var reports = history.Reports;
        StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(Photo, styles, settings), progress: history).Dispose();
        return reports[0].Terms.Style;
    }


    [Fact]
    public void ABlackMaskIsAOneLineError()
    {
        var black = _dir.File("black.png");
        using (var zeros = torch.zeros(1, 3, 8, 8)) ImageSaver.Save(zeros, black);
        var error = Assert.Throws<NeuralStyleException>(() => Run(Small(1) with { MaskPairs = [new(black, Scream)] }, [Starry]));
        Assert.Contains("no white pixels", error.Message);
    }

    [Theory]
    [InlineData("m.png:s.jpg", "m.png", "s.jpg")]
    [InlineData("dir/m.png:dir/s.jpg", "dir/m.png", "dir/s.jpg")]
    public void PairsParse(string text, string mask, string style) => Assert.Equal(new MaskPair(mask, style), MaskPair.Parse(text));

    [Theory]
    [InlineData("m.png")]
    [InlineData("m.png:")]
    [InlineData(":s.jpg")]
    public void MalformedPairsAreOneLineErrors(string text) =>
        Assert.Contains("MASK:STYLE", Assert.Throws<NeuralStyleException>(() => MaskPair.Parse(text)).Message);
}
