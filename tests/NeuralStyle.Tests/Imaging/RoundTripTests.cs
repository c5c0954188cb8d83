using NeuralStyle.Tests.Support;
using NeuralStyle.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Imaging;

/// <summary>Save then load: what goes out must come back.</summary>
public class RoundTripTests
{
    [Fact]
    public void PngRoundTripIsExactToOneLevel()
    {
        using var folder = new TempFolder();
        using var original = TestPictures.RandomLevels(37, 53, seed: 1);
        var path = folder.File("random.png");

        ImageSaver.Save(original, path);
        using var loaded = ImageLoader.Load(path);

        Assert.Equal(original.shape, loaded.shape);
        Assert.Equal(ScalarType.Float32, loaded.dtype);
        using var diff = (loaded - original).abs().max();
        Assert.True(diff.item<float>() < 0.5f / 255, $"max difference {diff.item<float>() * 255:0.###} levels");
    }

    [Fact]
    public void PngBytesDependOnlyOnTheTensor()
    {
        using var folder = new TempFolder();
        using var image = TestPictures.RandomLevels(20, 30, seed: 2);
        using var unbatched = image[0];

        ImageSaver.Save(image, folder.File("a.png"));
        ImageSaver.Save(unbatched, folder.File("b.png"));

        Assert.Equal(File.ReadAllBytes(folder.File("a.png")), File.ReadAllBytes(folder.File("b.png")));
    }

    [Theory]
    [InlineData("smooth.jpg", 0.01, 0.06)]
    [InlineData("smooth.JPEG", 0.01, 0.06)]
    [InlineData("smooth.webp", 0.015, 0.1)]
    public void LossyRoundTripIsClose(string name, double maxMeanError, double maxError)
    {
        using var folder = new TempFolder();
        // Smooth gradients: what lossy codecs are built for, so the error should be tiny.
        using var y = linspace(0, 1, 48).view(1, 1, 48, 1).expand(1, 1, 48, 64);
        using var x = linspace(0, 1, 64).view(1, 1, 1, 64).expand(1, 1, 48, 64);
        using var image = cat([x, y, (x + y) / 2], 1);
        var path = folder.File(name);

        ImageSaver.Save(image, path);
        using var loaded = ImageLoader.Load(path);

        Assert.Equal(image.shape, loaded.shape);
        using var error = (loaded - image).abs();
        using var mean = error.mean();
        using var max = error.max();
        Assert.True(mean.item<float>() < maxMeanError, $"mean error {mean.item<float>():0.####}");
        Assert.True(max.item<float>() < maxError, $"max error {max.item<float>():0.####}");
    }

    [Fact]
    public void SavingClampsOutOfRangeValuesAndBlacksOutNaN()
    {
        using var folder = new TempFolder();
        using var image = tensor(new[] { -0.5f, 1.7f, float.NaN, 0.5f, float.PositiveInfinity, float.NegativeInfinity }, [1, 3, 1, 2]);
        var path = folder.File("clamped.png");

        ImageSaver.Save(image, path);
        using var loaded = ImageLoader.Load(path);

        var values = loaded.data<float>().ToArray();
        Assert.Equal(new[] { 0f, 1f, 0f, 128 / 255f, 1f, 0f }, values, (a, b) => Math.Abs(a - b) < 1e-6);
    }
}
