namespace NeuralStyle.Imaging;

/// <summary>
/// Limits that protect the machine from images it cannot handle.
/// </summary>
public static class ImageLimits
{
    /// <summary>
    /// The largest image, in pixels, that is decoded or produced: 100 megapixels. Decoding one
    /// needs 400 MB for the 8-bit pixels plus 1.2 GB for the float tensor, which is about the most a
    /// desktop can spare; beyond that a crafted or mistaken file would exhaust memory. The check runs
    /// on the header, before any pixel is decoded.
    /// </summary>
    public const long MaxPixels = 100_000_000;

    internal static void EnsureWithin(ImageSize size, string what)
    {
        if (size.Pixels > MaxPixels)
            throw new NeuralStyleException(
                $"{what} is {size} ({size.Pixels / 1e6:0.#} megapixels), above the limit of {MaxPixels / 1_000_000} megapixels; use a smaller image or size.");
    }
}
