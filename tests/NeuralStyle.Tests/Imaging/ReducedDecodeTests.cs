using NeuralStyle.Tests.Support;
using NeuralStyle.Imaging;
using SkiaSharp;

namespace NeuralStyle.Tests.Imaging;

/// <summary>
/// When the wanted size is far below the stored one, JPEGs are decoded at a reduced size (much
/// faster, far less memory) but never below twice the final size, so the final antialiased resize
/// still decides the quality.
/// </summary>
public class ReducedDecodeTests
{
    [Fact]
    public void LargeJpegIsDecodedSmallerButAtLeastTwiceTheTarget()
    {
        using var folder = new TempFolder();
        using var picture = TestPictures.Quadrants(1600, 800);
        var path = folder.File("large.jpg");
        File.WriteAllBytes(path, TestPictures.EncodeJpeg(picture, quality: 90));

        using var encoded = EncodedImage.Open(path);
        using var full = encoded.DecodeUpright();
        using var reduced = encoded.DecodeUpright(new ImageSize(100, 50));

        Assert.Equal((1600, 800), (full.Width, full.Height));
        Assert.InRange(reduced.Width, 200, 799);
        Assert.Equal(reduced.Width, reduced.Height * 2);
        Assert.Equal(TestPictures.Green, reduced.GetPixel(reduced.Width * 3 / 4, reduced.Height / 4), new ColourComparer(8));
    }

    [Fact]
    public void NoReductionWhenTheTargetIsNotMuchSmaller()
    {
        using var folder = new TempFolder();
        using var picture = TestPictures.Quadrants(400, 200);
        var path = folder.File("medium.jpg");
        File.WriteAllBytes(path, TestPictures.EncodeJpeg(picture));

        using var encoded = EncodedImage.Open(path);
        using var decoded = encoded.DecodeUpright(new ImageSize(250, 125));

        Assert.Equal((400, 200), (decoded.Width, decoded.Height));
    }

    private sealed class ColourComparer(int tolerance) : IEqualityComparer<SKColor>
    {
        public bool Equals(SKColor a, SKColor b) =>
            Math.Abs(a.Red - b.Red) <= tolerance && Math.Abs(a.Green - b.Green) <= tolerance && Math.Abs(a.Blue - b.Blue) <= tolerance;

        public int GetHashCode(SKColor c) => 0;
    }
}
