using SkiaSharp;

namespace NeuralStyle.Imaging;

/// <summary>
/// An image file opened as far as its header: size and orientation are known, no pixel is decoded
/// yet. Separating the two steps is what lets us refuse a 50000×50000 image before allocating
/// gigabytes for it.
/// </summary>
internal sealed class EncodedImage : IDisposable
{
    private readonly string _path;
    private readonly SKData _data;
    private readonly SKCodec _codec;

    private EncodedImage(string path, SKData data, SKCodec codec)
    {
        _path = path;
        _data = data;
        _codec = codec;
        Stored = new ImageSize(codec.Info.Width, codec.Info.Height);
        Origin = codec.EncodedOrigin;
        Upright = Orientation.Upright(Stored, Origin);
    }

    /// <summary>Size of the pixels as stored in the file.</summary>
    public ImageSize Stored { get; }

    /// <summary>Size after applying the EXIF orientation: what the user sees and what we return.</summary>
    public ImageSize Upright { get; }

    public SKEncodedOrigin Origin { get; }

    /// <summary>
    /// Opens <paramref name="path"/> and reads its header. Every way this can fail for a reason the
    /// user can fix becomes a one-line <see cref="NeuralStyleException"/> naming the file.
    /// </summary>
    public static EncodedImage Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        // Only regular files: opening a FIFO blocks until a writer comes, a device may never end.
        InputFile.Require(path, $"Image '{path}'");

        SKData data;
        try
        {
            // Read through .NET rather than SKData.Create(path): Skia reports a missing or unreadable
            // file as a bare null, .NET tells us which of the two it was.
            using var stream = File.OpenRead(path);
            data = SKData.Create(stream);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => new NeuralStyleException($"Image '{path}' does not exist.", ex),
                UnauthorizedAccessException => new NeuralStyleException($"Cannot read image '{path}': permission denied.", ex),
                _ => new NeuralStyleException($"Cannot read image '{path}': {UserMessage.OneLine(ex.Message)}", ex),
            };
        }
        return FromData(data, path);
    }

    /// <summary>
    /// Decodes to 8-bit sRGB RGBA, upright, composited over white (so every pixel is opaque).
    /// <paramref name="finalSize"/> (upright) lets JPEG and WebP decode at a reduced size for
    /// speed and memory; the result is then at least twice <paramref name="finalSize"/> so the
    /// final antialiased resize, not the codec's shortcut, decides the look. Without it, or for
    /// formats that cannot scale while decoding, the result has the full upright size.
    /// </summary>
    public SKBitmap DecodeUpright(ImageSize? finalSize = null)
    {
        var decodeSize = DecodeSize(finalSize);

        // Premultiplied because that is what Skia blends with; sRGB so images with an embedded ICC
        // profile (Adobe RGB, Display P3) are converted instead of looking washed out or garish.
        var srgb = SKColorSpace.CreateSrgb();
        var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul, srgb);
        using var decoded = DecodeWhole(decodeInfo);

        var upright = Orientation.Upright(decodeSize, Origin);
        var output = Allocate(new SKImageInfo(upright.Width, upright.Height, SKColorType.Rgba8888, SKAlphaType.Premul, srgb));
        try
        {
            // One draw does both jobs: the orientation matrix moves whole pixels (no resampling),
            // and source-over onto white composites transparent areas over white. White, not black,
            // because transparent regions of logos and paintings are meant to be paper, and a
            // black background would dominate the style statistics.
            using var canvas = new SKCanvas(output);
            canvas.Clear(SKColors.White);
            canvas.SetMatrix(Orientation.ToUpright(Origin, upright.Width, upright.Height));
            canvas.DrawBitmap(decoded, 0, 0, SKSamplingOptions.Default); // nearest: whole-pixel moves only
            canvas.Flush();
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes sure every pixel can be decoded, keeping none of them, and throws the one-line message of
    /// <see cref="DecodeUpright"/> when the file is truncated or corrupt. A PNG's data is inflated and counted through a
    /// small buffer (<see cref="PngStructure"/>: a 40-megapixel PNG of zeros costs an inflate, not 160 MB); other formats
    /// decode row by row where the codec can, else whole at their smallest scale of at least <paramref name="minSide"/> px
    /// (JPEG and WebP shrink while decoding; GIF, BMP and ICO are decoded at full size).
    /// </summary>
    public void CheckDecodes(int minSide = 64)
    {
        if (_codec.EncodedFormat == SKEncodedImageFormat.Png)
        {
            if (PngStructure.Problem(_data.AsSpan()) is { } problem)
                throw new NeuralStyleException(problem == "truncated"
                    ? $"Image '{_path}' is truncated (the file ends before the picture does)."
                    : $"Image '{_path}' is {problem} and cannot be decoded.");
            return;
        }
        var scale = Math.Min(1f, (float)minSide / Math.Max(1, Math.Min(Stored.Width, Stored.Height)));
        var scaled = _codec.GetScaledDimensions(scale);
        var size = scaled.Width >= 1 && scaled.Height >= 1 && scaled.Width <= Stored.Width ? scaled : new SKSizeI(Stored.Width, Stored.Height);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var start = _codec.StartScanlineDecode(info);
        if (start == SKCodecResult.Unimplemented)
        {
            using var whole = DecodeWhole(info);
            return;
        }
        if (start != SKCodecResult.Success) throw Failed(start);
        var row = System.Runtime.InteropServices.Marshal.AllocHGlobal(info.RowBytes);
        try
        {
            for (var y = 0; y < info.Height; y++)
                if (_codec.GetScanlines(row, 1, info.RowBytes) != 1)
                    throw Failed(SKCodecResult.IncompleteInput);
        }
        finally
        {
            System.Runtime.InteropServices.Marshal.FreeHGlobal(row);
        }
    }

    /// <summary>An image already in memory, encoded (PNG, JPEG, …); <paramref name="name"/> names it in messages.</summary>
    public static EncodedImage FromBytes(byte[] bytes, string name) => FromData(SKData.CreateCopy(bytes), name);

    /// <summary>Reads the header of encoded bytes (owned from here on; disposed if they are no image).</summary>
    private static EncodedImage FromData(SKData? data, string name)
    {
        SKCodec? codec = null;
        try
        {
            codec = data is null ? null : SKCodec.Create(data);
            if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
                throw new NeuralStyleException(
                    $"Image '{name}' is not an image SkiaSharp can read (JPEG, PNG, WebP, BMP, GIF, ICO, WBMP) or is corrupt.");
            var image = new EncodedImage(name, data!, codec);
            ImageLimits.EnsureWithin(image.Upright, $"Image '{name}'");
            return image;
        }
        catch
        {
            codec?.Dispose();
            data?.Dispose();
            throw;
        }
    }

    private SKBitmap DecodeWhole(SKImageInfo info)
    {
        var decoded = Allocate(info);
        var result = _codec.GetPixels(info, decoded.GetPixels());
        if (result == SKCodecResult.Success) return decoded;
        decoded.Dispose();
        // IncompleteInput is a truncated file: Skia would fill the rest with grey, which we must
        // not silently stylise. Anything else is corrupt data.
        throw Failed(result);
    }

    private NeuralStyleException Failed(SKCodecResult result) => new(result == SKCodecResult.IncompleteInput
        ? $"Image '{_path}' is truncated (the file ends before the picture does)."
        : $"Image '{_path}' is corrupt and cannot be decoded ({result}).");

    public void Dispose()
    {
        _codec.Dispose();
        _data.Dispose();
    }

    /// <summary>The size (as stored) <see cref="DecodeUpright"/> decodes at for <paramref name="finalSize"/>: what its memory is
    /// estimated from, before any pixel is decoded.</summary>
    public ImageSize DecodeSize(ImageSize? finalSize)
    {
        if (finalSize is not { } target || 2L * target.LongestSide >= Stored.LongestSide)
            return Stored;

        var wanted = Orientation.SwapsAxes(Origin) ? new ImageSize(target.Height, target.Width) : target;
        var scaled = _codec.GetScaledDimensions((float)(2.0 * wanted.LongestSide / Stored.LongestSide));
        // Codecs round to the scales they support (JPEG: eighths); use the result only if it is a
        // real reduction that still leaves twice the final resolution on both axes.
        return scaled.Width < Stored.Width && scaled.Width >= 2 * wanted.Width && scaled.Height >= 2 * wanted.Height
            ? new ImageSize(scaled.Width, scaled.Height)
            : Stored;
    }

    private SKBitmap Allocate(SKImageInfo info)
    {
        // The memory guard counts decoded pixels too: refuse in one line rather than be killed.
        if (Transfer.MemoryEstimate.ReadMemAvailable() is { } available && info.BytesSize64 > available)
            throw new NeuralStyleException($"Not enough memory to decode image '{_path}' ({info.Width}×{info.Height}, {info.BytesSize64 >> 20} MiB; {available >> 20} MiB available).");
        var bitmap = new SKBitmap(info);
        if (bitmap.GetPixels() == IntPtr.Zero)
        {
            bitmap.Dispose();
            throw new NeuralStyleException($"Not enough memory to decode image '{_path}' ({info.Width}×{info.Height}).");
        }
        return bitmap;
    }
}
