using NeuralStyle.Tests.Support;
using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Imaging;

public class SaveTests
{
    private static void AssertUserError(string path, Action save, string expectedPart)
    {
        var error = Assert.Throws<NeuralStyleException>(save);
        Assert.Contains(Path.GetFileName(path), error.Message);
        Assert.Contains(expectedPart, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void SuccessfulSaveLeavesOnlyTheTarget()
    {
        using var folder = new TempFolder();
        using var image = TestPictures.RandomLevels(10, 10, seed: 7);

        ImageSaver.Save(image, folder.File("out.png"));

        Assert.Equal(["out.png"], folder.Entries());
    }

    [Fact]
    public void ReplacesAnExistingFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.png");
        File.WriteAllText(path, "an older result");
        using var image = TestPictures.RandomLevels(10, 10, seed: 8);

        ImageSaver.Save(image, path);

        using var loaded = ImageLoader.Load(path);
        Assert.True(loaded.allclose(image, rtol: 0, atol: 0.5 / 255));
        Assert.Equal(["out.png"], folder.Entries());
    }

    [Fact]
    public void MissingFolder()
    {
        using var folder = new TempFolder();
        using var image = TestPictures.RandomLevels(4, 4, seed: 9);
        var path = Path.Combine(folder.Path, "missing", "out.png");

        AssertUserError(path, () => ImageSaver.Save(image, path), "does not exist");
        Assert.Empty(folder.Entries());
    }

    [Theory]
    [InlineData("out.tiff", "'.tiff'")]
    [InlineData("out", "no extension")]
    public void UnsupportedExtension(string name, string expectedPart)
    {
        using var folder = new TempFolder();
        using var image = TestPictures.RandomLevels(4, 4, seed: 10);
        var path = folder.File(name);

        AssertUserError(path, () => ImageSaver.Save(image, path), expectedPart);
        Assert.Empty(folder.Entries());
    }

    [Fact]
    public void FailureAfterEncodingLeavesNoTemporaryFile()
    {
        // A folder where the output should go: the image is encoded into the temporary file and
        // only the final rename fails, which is exactly when a temporary file could be left over.
        using var folder = new TempFolder();
        var path = folder.File("out.png");
        Directory.CreateDirectory(path);
        using var image = TestPictures.RandomLevels(4, 4, seed: 11);

        AssertUserError(path, () => ImageSaver.Save(image, path), "folder");

        Assert.Equal(["out.png"], folder.Entries());
        Assert.True(Directory.Exists(path));
        Assert.Empty(Directory.GetFileSystemEntries(path));
    }

    [Fact]
    public void TensorsThatAreNotRgbImagesAreProgrammingErrors()
    {
        using var folder = new TempFolder();
        using var gray = zeros(1, 1, 4, 4);
        using var batch = zeros(2, 3, 4, 4);
        Assert.Throws<ArgumentException>(() => ImageSaver.Save(gray, folder.File("gray.png")));
        Assert.Throws<ArgumentException>(() => ImageSaver.Save(batch, folder.File("batch.png")));
        Assert.Empty(folder.Entries());
    }
}
