using SkiaSharp;

namespace NeuralStyle.Imaging;

/// <summary>
/// The file formats we write, chosen by the output file's extension (case-insensitive).
/// </summary>
internal sealed record OutputFormat(string Name, Func<SKPixmap, Stream, bool> Encode)
{
    // PNG: lossless; Skia writes no timestamp, so equal tensors give equal files.
    private static readonly OutputFormat Png = new("PNG", (pixmap, stream) => pixmap.Encode(stream, SKPngEncoderOptions.Default));

    // JPEG at quality 95 with full-resolution colour (4:4:4): stylised images are full of fine,
    // saturated colour texture that the usual 4:2:0 chroma subsampling visibly smears.
    private static readonly OutputFormat Jpeg = new("JPEG", (pixmap, stream) => pixmap.Encode(stream,
        new SKJpegEncoderOptions(95, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore)));

    // WebP: lossy at the same quality as JPEG; someone choosing .webp wants a small file.
    private static readonly OutputFormat Webp = new("WebP", (pixmap, stream) => pixmap.Encode(stream,
        new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, 95)));

    private static readonly Dictionary<string, OutputFormat> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = Png,
        [".jpg"] = Jpeg,
        [".jpeg"] = Jpeg,
        [".webp"] = Webp,
    };

    public static OutputFormat For(ImageFormat format) => format switch
    {
        ImageFormat.Png => Png,
        ImageFormat.Jpeg => Jpeg,
        ImageFormat.Webp => Webp,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    public static string SupportedExtensions => string.Join(", ", ByExtension.Keys);

    /// <summary>The format for <paramref name="path"/>, or a one-line error listing the supported extensions.</summary>
    public static OutputFormat ForPath(string path)
    {
        var extension = Path.GetExtension(path);
        if (ByExtension.TryGetValue(extension, out var format))
            return format;
        var what = extension.Length == 0 ? "has no extension" : $"has the unsupported extension '{extension}'";
        throw new NeuralStyleException($"Cannot save '{path}': the file name {what}; use one of {SupportedExtensions}.");
    }
}

/// <summary>The encodings an image can be written in.</summary>
public enum ImageFormat { Png, Jpeg, Webp }
