using static TorchSharp.torch;

namespace NeuralStyle.Imaging;

/// <summary>
/// Saves image tensors to PNG, JPEG (.jpg/.jpeg, quality 95) or WebP files, chosen by extension.
/// </summary>
public static class ImageSaver
{
    /// <summary>
    /// Saves <paramref name="image"/> ([1,3,H,W] or [3,H,W], values in [0,1]; anything outside is
    /// clamped, NaN becomes black) to <paramref name="path"/>, replacing any existing file
    /// atomically. The bytes depend only on the tensor (for PNG they are identical run to run).
    /// An unknown extension, a missing folder or a write failure is a one-line
    /// <see cref="NeuralStyleException"/>; after a failure neither the target nor a temporary
    /// file is left behind (an earlier file at the target is kept).
    /// </summary>
    public static void Save(Tensor image, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var format = OutputFormat.ForPath(path);
        byte[] bytes;
        try
        {
            bytes = Encode(image, format);
        }
        catch (NeuralStyleException e)
        {
            throw new NeuralStyleException($"Cannot save '{path}': {e.Message}", e);
        }
        // Encoded in memory first, then written by us: Skia's native encoder calls back into .NET to write, and an
        // IOException thrown there (a full disk, a quota, an I/O error) cannot unwind through native code: it ended
        // the process. Written here, it is one line, and the temporary is removed.
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// <paramref name="image"/> encoded in memory as <paramref name="format"/> (PNG lossless, JPEG and WebP at
    /// quality 95): the same bytes <see cref="Save"/> writes to a file of that format.
    /// </summary>
    public static byte[] Encode(Tensor image, ImageFormat format = ImageFormat.Png) => Encode(image, OutputFormat.For(format));

    private static byte[] Encode(Tensor image, OutputFormat encoder)
    {
        using var bitmap = PixelConversion.ToBitmap(image);
        using var pixmap = bitmap.PeekPixels();
        using var stream = new MemoryStream();
        if (!encoder.Encode(pixmap, stream))
            throw new NeuralStyleException($"SkiaSharp failed to encode a {bitmap.Width}×{bitmap.Height} {encoder.Name}.");
        return stream.ToArray();
    }

    /// <summary>
    /// Fails now, with the same one-line error <see cref="Save"/> would give, if <paramref name="path"/>
    /// has an unsupported extension or its folder does not exist, so a long run does not end in an
    /// output it cannot write.
    /// </summary>
    public static void CheckTarget(string path)
    {
        OutputFormat.ForPath(path);
        AtomicFile.ExistingFolderOf(path);
    }
}
