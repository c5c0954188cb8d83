using NeuralStyle.Tests.Support;
using NeuralStyle.Imaging;
using SkiaSharp;

namespace NeuralStyle.Tests.Imaging;

/// <summary>Every user mistake is a one-line NeuralStyleException naming the file.</summary>
public class LoadErrorTests
{
    private static NeuralStyleException AssertUserError(string path, Action load, string expectedPart)
    {
        var error = Assert.Throws<NeuralStyleException>(load);
        Assert.Contains(Path.GetFileName(path), error.Message);
        Assert.Contains(expectedPart, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\r', error.Message);
        return error;
    }

    [Fact]
    public void MissingFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("nowhere.jpg");
        AssertUserError(path, () => ImageLoader.Load(path), "does not exist");
        AssertUserError(path, () => ImageLoader.ReadSize(path), "does not exist");
    }

    [Fact]
    public void FileInAMissingFolder()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "no-such-folder", "photo.jpg");
        AssertUserError(path, () => ImageLoader.Load(path), "does not exist");
    }

    [Fact]
    public void FolderInsteadOfAFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("photo.jpg");
        Directory.CreateDirectory(path);
        AssertUserError(path, () => ImageLoader.Load(path), "folder");
    }

    [Theory]
    [InlineData("notes.jpg", "This is not a picture.\nJust some text.\n")]
    [InlineData("empty.png", "")]
    public void NotAnImage(string name, string content)
    {
        using var folder = new TempFolder();
        var path = folder.File(name);
        File.WriteAllText(path, content);
        AssertUserError(path, () => ImageLoader.Load(path), "not an image");
    }

    [Fact]
    public void TruncatedJpeg()
    {
        using var folder = new TempFolder();
        // Noise compresses badly, so half the file is far into the picture data.
        using var noise = TestPictures.RandomLevels(128, 128, seed: 5);
        var whole = folder.File("whole.jpg");
        ImageSaver.Save(noise, whole);
        var bytes = File.ReadAllBytes(whole);
        var path = folder.File("truncated.jpg");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        AssertUserError(path, () => ImageLoader.Load(path), "truncated");
    }

    [Fact]
    public void PngWhosePixelDataIsMissing()
    {
        using var folder = new TempFolder();
        var path = folder.File("short.png");
        File.WriteAllBytes(path, TestPictures.PngClaimingSize(300, 200));
        AssertUserError(path, () => ImageLoader.Load(path), "truncated");
    }

    [Fact]
    public void HugeImageIsRefusedFromItsHeader()
    {
        using var folder = new TempFolder();
        var path = folder.File("huge.png");
        File.WriteAllBytes(path, TestPictures.PngClaimingSize(50000, 50000));
        // The header must parse (otherwise this would test "not an image" instead).
        using (var codec = SKCodec.Create(path))
            Assert.Equal(50000, codec.Info.Width);

        var error = AssertUserError(path, () => ImageLoader.Load(path), "50000×50000");
        Assert.Contains("megapixels", error.Message);
        AssertUserError(path, () => ImageLoader.Load(path, longestSide: 512), "megapixels");
    }

    [Fact]
    public void RequestedSizeAboveTheLimitIsRefused()
    {
        using var folder = new TempFolder();
        var path = folder.File("small.png");
        using var image = TestPictures.RandomLevels(4, 4, seed: 6);
        ImageSaver.Save(image, path);

        AssertUserError(path, () => ImageLoader.Load(path, width: 20000, height: 20000), "megapixels");
    }
}
