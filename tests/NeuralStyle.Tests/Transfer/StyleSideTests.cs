using NeuralStyle.Imaging;
using NeuralStyle.Transfer;

namespace NeuralStyle.Tests.Transfer;

/// <summary>The size a painting is loaded at for a scale (<see cref="StyleTransferSettings.StyleSide"/>): side × style scale, and with
/// <see cref="StyleTransferSettings.StyleUpscale"/> off never more than the painting's own trimmed pixels.</summary>
public class StyleSideTests
{
    private static readonly ImageSize SmallCrop = new(192, 192), LargeScan = new(1200, 900);

    [Fact]
    public void UpscalingFollowsTheStyleScale()
    {
        var settings = new StyleTransferSettings { StyleScale = 2, StyleTrim = 0.03 };
        Assert.Equal(1024, settings.StyleSide(512, 0, SmallCrop));
        Assert.Equal(1024, settings.StyleSide(512, 0, LargeScan));
    }

    [Fact]
    public void WithoutUpscalingAPaintingStopsAtItsOwnTrimmedPixels()
    {
        var settings = new StyleTransferSettings { StyleScale = 2, StyleTrim = 0.03, StyleUpscale = false };
        Assert.Equal(180, settings.StyleSide(512, 0, SmallCrop)); // 192 × (1 − 2 · 0.03) = 180.5
        Assert.Equal(1024, settings.StyleSide(512, 0, LargeScan)); // 1128 available
        Assert.Equal(256, settings.StyleSide(128, 0, LargeScan)); // coarse scales shrink it as before
        Assert.Equal(128, settings.StyleSide(64, 0, SmallCrop)); // below its own size the style scale still applies: 64 × 2 < 180
        // One scale per painting picks that painting's.
        var perStyle = settings with { StyleScales = [0.5, 2] };
        Assert.Equal(256, perStyle.StyleSide(512, 0, LargeScan));
        Assert.Equal(180, perStyle.StyleSide(512, 1, SmallCrop));
    }

    [Fact]
    public void TheCliNamesTheFlag() =>
        Assert.Equal("--style-upscale", NeuralStyle.Cli.SettingFlags.For(nameof(StyleTransferSettings.StyleUpscale)));
}
