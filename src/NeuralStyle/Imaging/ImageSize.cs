namespace NeuralStyle.Imaging;

/// <summary>
/// Width and height of an image in pixels, as the viewer sees it (after EXIF orientation).
/// The sizing rules live here, apart from any pixels, so callers can plan sizes (for example the
/// style image's size from the content image's) by reading only file headers.
/// </summary>
public readonly record struct ImageSize(int Width, int Height)
{
    public long Pixels => (long)Width * Height;

    public int LongestSide => Math.Max(Width, Height);

    /// <summary>
    /// The size whose longest side is <paramref name="longestSide"/>, keeping the aspect ratio.
    /// The other side is rounded (half away from zero, so results do not depend on banker's
    /// rounding surprises) and never drops below 1, so a 10000×1 strip stays a valid image.
    /// </summary>
    public ImageSize WithLongestSide(int longestSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(longestSide, 1);
        var factor = (double)longestSide / LongestSide;
        return Width >= Height
            ? new ImageSize(longestSide, ScaleSide(Height, factor))
            : new ImageSize(ScaleSide(Width, factor), longestSide);
    }

    /// <summary>
    /// Both sides multiplied by <paramref name="factor"/> and rounded, each at least 1. Used for
    /// style images, whose size is the content size times the style scale.
    /// </summary>
    public ImageSize Scaled(double factor)
    {
        if (!double.IsFinite(factor) || factor <= 0)
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "scale factor must be a finite number above 0");
        return new ImageSize(ScaleSide(Width, factor), ScaleSide(Height, factor));
    }

    public override string ToString() => $"{Width}×{Height}";

    private static int ScaleSide(int side, double factor)
    {
        var scaled = Math.Round(side * factor, MidpointRounding.AwayFromZero);
        // Clamp before the cast: a silly factor must give a huge size (caught by the pixel limit),
        // not an overflowed negative one.
        return (int)Math.Clamp(scaled, 1, int.MaxValue);
    }
}
