using NeuralStyle.Imaging;
using NeuralStyle.Tests.Support;
using SkiaSharp;
using TorchSharp;

namespace NeuralStyle.Tests.Imaging;

/// <summary><c>--style-trim</c>: a painting's frame is left out, the rest keeps its place and size.</summary>
public class TrimTests
{
    [Fact]
    public void AFramedPaintingLosesItsFrameAndKeepsItsMiddle()
    {
        using var folder = new TempFolder();
        // 200×100, a red frame 8 px wide (4 % of the width, 8 % of the height) around blue.
        using var bitmap = new SKBitmap(200, 100);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(TestPictures.Red);
            using var paint = new SKPaint { Color = TestPictures.Blue };
            canvas.DrawRect(8, 8, 184, 84, paint);
        }
        var path = folder.File("framed.png");
        File.WriteAllBytes(path, TestPictures.EncodePng(bitmap));

        using var scope = torch.NewDisposeScope();
        var trimmed = ImageLoader.LoadTrimmed(path, 100, 50, 0.1);
        Assert.Equal([1L, 3, 50, 100], trimmed.shape);
        Assert.True(trimmed[0, 0].max().item<float>() < 0.05, "red frame left in the trimmed painting");
        Assert.True(trimmed[0, 2].min().item<float>() > 0.95, "the middle should be all blue");

        var whole = ImageLoader.LoadTrimmed(path, 100, 50, 0);
        Assert.True(whole[0, 0, 0, 0].item<float>() > 0.95, "trim 0 keeps the frame");
    }
}
