using NeuralStyle.Imaging;
using NeuralStyle.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Imaging;

public class ResizeTests
{
    [SkippableTheory]
    [InlineData("tubingen.jpg", 256)]
    [InlineData("the_scream.jpg", 300)]
    [InlineData("starry_night.jpg", 97)]
    public void LongestSideResizeKeepsShapeAndColour(string name, int longestSide)
    {
        var path = SharedFiles.Image(name);
        var original = ImageLoader.ReadSize(path);
        using var full = ImageLoader.Load(path);
        using var small = ImageLoader.Load(path, longestSide);

        Assert.Equal(new long[] { 1, 3, original.Height, original.Width }, full.shape);
        var (h, w) = (small.shape[2], small.shape[3]);
        Assert.Equal(longestSide, Math.Max(h, w));
        // The short side is the rounded proportional length, so the aspect ratio is as close as
        // whole pixels allow.
        var expectedShort = Math.Round((double)Math.Min(original.Width, original.Height) * longestSide / original.LongestSide, MidpointRounding.AwayFromZero);
        Assert.Equal(expectedShort, Math.Min(h, w));
        Assert.Equal(original.Width >= original.Height, w >= h);

        var before = TestPictures.MeanColour(full);
        var after = TestPictures.MeanColour(small);
        for (var c = 0; c < 3; c++)
            Assert.True(Math.Abs(before[c] - after[c]) < 0.01, $"channel {c}: mean {before[c]:0.####} became {after[c]:0.####}");
        using var min = small.min();
        using var max = small.max();
        Assert.True(min.item<float>() >= 0 && max.item<float>() <= 1);
    }

    [SkippableFact]
    public void ScaleAndExactSizeOnARealPhoto()
    {
        var path = SharedFiles.Image("golden_gate.jpg");
        var original = ImageLoader.ReadSize(path);

        using var scaled = ImageLoader.LoadScaled(path, 0.3);
        Assert.Equal(Math.Round(original.Width * 0.3, MidpointRounding.AwayFromZero), scaled.shape[3]);
        Assert.Equal(Math.Round(original.Height * 0.3, MidpointRounding.AwayFromZero), scaled.shape[2]);

        using var exact = ImageLoader.Load(path, width: 123, height: 45);
        Assert.Equal(new long[] { 1, 3, 45, 123 }, exact.shape);
    }

    [Fact]
    public void UpscalingASmallImageWorks()
    {
        using var folder = new TempFolder();
        using var image = TestPictures.RandomLevels(6, 10, seed: 3);
        ImageSaver.Save(image, folder.File("small.png"));

        using var big = ImageLoader.Load(folder.File("small.png"), longestSide: 40);

        Assert.Equal(new long[] { 1, 3, 24, 40 }, big.shape);
    }

    [Fact]
    public void DownscalingIsAntialiased()
    {
        // Vertical stripes one pixel wide. Shrinking by 5 without a prefilter samples every 5th
        // column and returns pure black or pure white stripes (aliasing); an antialiased resize
        // averages them to mid grey.
        using var columns = arange(100).remainder(2).to(ScalarType.Float32);
        using var stripes = columns.view(1, 1, 1, 100).expand(1, 3, 100, 100).contiguous();

        using var small = ImageResize.ToSize(stripes, 20, 20);

        Assert.Equal(new long[] { 1, 3, 20, 20 }, small.shape);
        using var deviation = (small - 0.5f).abs().max();
        Assert.True(deviation.item<float>() < 0.15f, $"stripes survived the downscale: max deviation from grey {deviation.item<float>():0.###}");
    }

    [Fact]
    public void TensorResizeKeepsRankAndCopiesWhenSizeIsUnchanged()
    {
        using var image = TestPictures.RandomLevels(8, 12, seed: 4);
        using var chw = image[0];

        using var resized = ImageResize.ToSize(chw, 4, 6);
        Assert.Equal(new long[] { 3, 4, 6 }, resized.shape);

        using var same = ImageResize.ToSize(image, 8, 12);
        Assert.True(same.allclose(image, rtol: 0, atol: 0));
        same.zero_();
        using var sum = image.sum();
        Assert.True(sum.item<float>() > 0, "ToSize at the same size must return a copy, not the input's storage");

        using var longest = ImageResize.ToLongestSide(image, 6);
        Assert.Equal(new ImageSize(6, 4), ImageResize.SizeOf(longest));
        using var half = ImageResize.Scaled(image, 0.5);
        Assert.Equal(new ImageSize(6, 4), ImageResize.SizeOf(half));
    }

    [Fact]
    public void ResizeRejectsTensorsThatAreNotImages()
    {
        using var gray = zeros(1, 1, 8, 8);
        Assert.Throws<ArgumentException>(() => ImageResize.ToSize(gray, 4, 4));
    }
}
