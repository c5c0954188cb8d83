using NeuralStyle.Tests.Support;
using NeuralStyle.Imaging;
using SkiaSharp;
using static NeuralStyle.Tests.Imaging.TestPictures;

namespace NeuralStyle.Tests.Imaging;

public class AlphaTests
{
    [Fact]
    public void TransparencyIsCompositedOverWhite()
    {
        using var folder = new TempFolder();
        using var bitmap = new SKBitmap(new SKImageInfo(4, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.SetPixel(0, 0, new SKColor(0, 0, 0, 0));       // fully transparent black
        bitmap.SetPixel(1, 0, new SKColor(0, 255, 0, 0));     // fully transparent green
        bitmap.SetPixel(2, 0, new SKColor(255, 0, 0, 128));   // half-transparent red
        bitmap.SetPixel(3, 0, new SKColor(0, 0, 255, 255));   // opaque blue
        var path = folder.File("alpha.png");
        File.WriteAllBytes(path, EncodePng(bitmap));

        using var image = ImageLoader.Load(path);

        Assert.Equal(new long[] { 1, 3, 1, 4 }, image.shape);
        const float tolerance = 2 / 255f;
        AssertColour(SKColors.White, PixelAt(image, 0, 0), tolerance, "transparent black");
        AssertColour(SKColors.White, PixelAt(image, 0, 1), tolerance, "transparent green");
        // 128/255 red over white: red stays full, green and blue keep the white that shows through.
        AssertColour(new SKColor(255, 127, 127), PixelAt(image, 0, 2), tolerance, "half-transparent red");
        AssertColour(Blue, PixelAt(image, 0, 3), tolerance, "opaque blue");
    }
}
