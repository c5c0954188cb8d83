using NeuralStyle.Tests.Support;
using NeuralStyle.Imaging;
using SkiaSharp;
using static NeuralStyle.Tests.Imaging.TestPictures;

namespace NeuralStyle.Tests.Imaging;

/// <summary>
/// A 64×32 JPEG with red, green / blue, yellow quadrants, tagged with each EXIF orientation, must
/// load upright. The expected corners follow the EXIF definitions (written out independently of
/// the production matrices): e.g. 6 means "rotate 90° clockwise to view", which brings the stored
/// bottom-left quadrant to the top-left.
/// </summary>
public class OrientationTests
{
    public static TheoryData<ushort, string> Orientations => new()
    {
        // orientation, upright corners top-left, top-right, bottom-left, bottom-right
        { 1, "R G B Y" },
        { 2, "G R Y B" }, // mirrored left-right
        { 3, "Y B G R" }, // rotated 180°
        { 4, "B Y R G" }, // mirrored top-bottom
        { 5, "R B G Y" }, // transposed
        { 6, "B R Y G" }, // rotated 90° clockwise
        { 7, "Y G B R" }, // transversed
        { 8, "G Y R B" }, // rotated 90° anticlockwise
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void ExifOrientationIsApplied(ushort orientation, string corners)
    {
        using var folder = new TempFolder();
        using var picture = Quadrants(64, 32);
        var path = folder.File($"oriented-{orientation}.jpg");
        File.WriteAllBytes(path, WithExifOrientation(EncodeJpeg(picture), orientation));

        using var image = ImageLoader.Load(path);

        var sideways = orientation >= 5;
        var (h, w) = sideways ? (64, 32) : (32, 64);
        Assert.Equal(new long[] { 1, 3, h, w }, image.shape);
        Assert.Equal(new ImageSize(w, h), ImageLoader.ReadSize(path));

        var expected = corners.Split(' ').Select(Colour).ToArray();
        // Quadrant centres, far from the edges that JPEG blurs.
        (long Row, long Col)[] centres = [(h / 4, w / 4), (h / 4, 3 * w / 4), (3 * h / 4, w / 4), (3 * h / 4, 3 * w / 4)];
        string[] names = ["top-left", "top-right", "bottom-left", "bottom-right"];
        for (var i = 0; i < 4; i++)
            AssertColour(expected[i], PixelAt(image, centres[i].Row, centres[i].Col), 0.1f, $"orientation {orientation}, {names[i]}");
    }

    [Fact]
    public void OrientationIsAppliedBeforeResizing()
    {
        using var folder = new TempFolder();
        using var picture = Quadrants(64, 32);
        var path = folder.File("rotated.jpg");
        File.WriteAllBytes(path, WithExifOrientation(EncodeJpeg(picture), 6));

        using var image = ImageLoader.Load(path, longestSide: 16);

        Assert.Equal(new long[] { 1, 3, 16, 8 }, image.shape);
        AssertColour(Blue, PixelAt(image, 4, 2), 0.1f, "top-left after rotating clockwise");
        AssertColour(Green, PixelAt(image, 12, 6), 0.1f, "bottom-right after rotating clockwise");
    }

    private static SKColor Colour(string letter) => letter switch
    {
        "R" => Red,
        "G" => Green,
        "B" => Blue,
        "Y" => Yellow,
        _ => throw new ArgumentException(letter),
    };
}
