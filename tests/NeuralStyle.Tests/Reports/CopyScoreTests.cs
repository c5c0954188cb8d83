using NeuralStyle.Imaging;
using NeuralStyle.Reports;
using TorchSharp;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Reports;

/// <summary><see cref="CopyScorer"/>: the painting itself is a copy, the photo is not, and a photo with a piece of the
/// painting pasted in scores about the pasted share.</summary>
public sealed class CopyScoreTests
{
    [Theory]
    [InlineData("starry")]
    [InlineData("scream")]
    public void ThePaintingIsACopyThePhotoIsNotAndAPastedPieceIsFound(string which)
    {
        var paintingPath = which == "starry" ? Starry : Scream;
        using var copies = new CopyScorer();
        using var scope = torch.NewDisposeScope();
        var photo = ImageLoader.Load(Photo, 512);
        var size = ImageResize.SizeOf(photo);
        // As the scorer sees it: its own aspect ratio, the photo's longest side.
        var painting = ImageLoader.Load(paintingPath, 512);

        var itself = copies.Score(painting, paintingPath);
        var original = copies.Score(photo, paintingPath);

        // The photo with its left half replaced by a piece of the painting at the same scale (both are wide and tall enough).
        var pasted = photo.clone();
        var half = size.Width / 2;
        pasted[.., .., .., ..half] = painting[.., .., ..size.Height, ..half];
        var withPiece = copies.Score(pasted, paintingPath);

        Assert.True(itself > 0.6, $"the painting itself: {itself:F3}");
        Assert.True(original < 0.05, $"the photo: {original:F3}");
        // Half the area, less the cells whose field straddles the seam.
        Assert.True(withPiece is > 0.3 and < 0.6, $"pasted half: {withPiece:F3}");
        Assert.True(withPiece > 5 * original, $"pasted {withPiece:F3} vs photo {original:F3}");
    }
}
