using NeuralStyle.Imaging;

namespace NeuralStyle.Tests.Imaging;

public class ImageSizeTests
{
    [Theory]
    [InlineData(1024, 768, 512, 512, 384)]
    [InlineData(768, 1024, 512, 384, 512)]
    [InlineData(1000, 333, 100, 100, 33)]
    [InlineData(1000, 335, 100, 100, 34)] // 33.5 rounds away from zero
    [InlineData(10000, 1, 100, 100, 1)]   // never below one pixel
    [InlineData(300, 200, 600, 600, 400)] // upscaling is allowed
    public void LongestSide(int w, int h, int longest, int expectedW, int expectedH) =>
        Assert.Equal(new ImageSize(expectedW, expectedH), new ImageSize(w, h).WithLongestSide(longest));

    [Fact]
    public void ScaledRoundsEachSide() =>
        Assert.Equal(new ImageSize(77, 1), new ImageSize(256, 3).Scaled(0.3));

    [Fact]
    public void InvalidSizesAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSize(10, 10).WithLongestSide(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSize(10, 10).Scaled(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSize(10, 10).Scaled(double.NaN));
    }
}
