using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Imaging;

/// <summary>
/// Loads image files as RGB tensors [1,3,H,W], float32, values in [0,1], on the CPU.
/// </summary>
/// <remarks>
/// Reads whatever SkiaSharp decodes (JPEG, PNG, WebP, BMP, GIF's first frame, ICO, WBMP). The EXIF
/// orientation is applied, so the tensor is upright as a photo viewer shows it. Colours are
/// converted to sRGB. Transparent and translucent pixels are composited over white. Files larger
/// than <see cref="ImageLimits.MaxPixels"/> are refused from their header, before decoding.
/// Every problem the user can fix (missing, unreadable, not an image, truncated, too large) is a
/// <see cref="NeuralStyleException"/> with a one-line message naming the file. The caller owns
/// (and disposes) the returned tensor.
/// </remarks>
public static class ImageLoader
{
    /// <summary>The upright size of the image, read from the file header only.</summary>
    public static ImageSize ReadSize(string path)
    {
        using var encoded = EncodedImage.Open(path);
        return encoded.Upright;
    }

    /// <summary>Loads at full size, or with the longest side resized to <paramref name="longestSide"/>.</summary>
    public static Tensor Load(string path, int? longestSide = null)
    {
        if (longestSide is { } n)
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(longestSide));
        return Load(path, size => longestSide is { } side ? size.WithLongestSide(side) : size);
    }

    /// <summary>Loads resized to exactly <paramref name="width"/>×<paramref name="height"/> (aspect ratio not kept).</summary>
    /// <param name="maxMemoryBytes">The process's budget (<c>--max-memory</c>; null: what the machine has), checked from the
    /// header before decoding (<see cref="Transfer.MemoryPlan.EnsureDecodeFits"/>).</param>
    public static Tensor Load(string path, int width, int height, long? maxMemoryBytes = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        using var encoded = EncodedImage.Open(path);
        return Decode(encoded, new ImageSize(width, height), path, maxMemoryBytes);
    }

    /// <summary>
    /// Loads the middle of the image, without <paramref name="trim"/> of each side (a fraction, below 0.5),
    /// resized to exactly <paramref name="width"/>×<paramref name="height"/>: scans of paintings often carry a
    /// frame, mount or canvas edge whose colour would otherwise count as the painting's style.
    /// </summary>
    public static Tensor LoadTrimmed(string path, int width, int height, double trim)
    {
        if (!(trim is >= 0 and < 0.5)) throw new ArgumentOutOfRangeException(nameof(trim), trim, "trim must be in [0, 0.5)");
        if (trim == 0) return Load(path, width, height);
        var fullWidth = Math.Max(width, (int)Math.Round(width / (1 - 2 * trim)));
        var fullHeight = Math.Max(height, (int)Math.Round(height / (1 - 2 * trim)));
        using var full = Load(path, fullWidth, fullHeight);
        using var middle = full.narrow(2, (fullHeight - height) / 2, height).narrow(3, (fullWidth - width) / 2, width);
        return middle.contiguous();
    }

    /// <summary>
    /// Loads with both sides multiplied by <paramref name="factor"/>, e.g. a style image at
    /// content scale × style scale.
    /// </summary>
    public static Tensor LoadScaled(string path, double factor)
    {
        if (!double.IsFinite(factor) || factor <= 0)
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "scale factor must be a finite number above 0");
        return Load(path, size => size.Scaled(factor));
    }

    private static Tensor Load(string path, Func<ImageSize, ImageSize> targetFor)
    {
        using var encoded = EncodedImage.Open(path);
        return Decode(encoded, targetFor(encoded.Upright), path);
    }

    /// <summary>Decodes an opened image at exactly <paramref name="target"/> (files and in-memory bytes alike), once its
    /// estimated memory fits the budget (<paramref name="maxMemoryBytes"/>, or what the machine has).</summary>
    internal static Tensor Decode(EncodedImage encoded, ImageSize target, string name, long? maxMemoryBytes = null)
    {
        ImageLimits.EnsureWithin(target, $"The requested size for '{name}'");
        Transfer.MemoryPlan.EnsureDecodeFits(name, encoded.Upright, encoded.DecodeSize(target), target, maxMemoryBytes);

        using var scope = NewDisposeScope();
        Tensor image;
        bool resize;
        // The bitmap is freed before the resize, which then holds only the float32 image and its own buffers.
        using (var bitmap = encoded.DecodeUpright(target))
        {
            image = PixelConversion.ToTensor(bitmap);
            resize = bitmap.Width != target.Width || bitmap.Height != target.Height;
        }
        if (resize)
        {
            var full = image;
            image = ImageResize.ToSize(full, target.Height, target.Width);
            full.Dispose();
        }
        return scope.MoveToOuter(image);
    }
}
