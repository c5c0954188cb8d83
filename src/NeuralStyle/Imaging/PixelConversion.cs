using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Imaging;

/// <summary>
/// Moves pixels between Skia bitmaps (8-bit RGBA, row-major, interleaved) and image tensors
/// ([1,3,H,W] float32 in [0,1], planar). Bytes are copied in one block and the channel
/// shuffle and scaling are done by torch in native code; a managed per-pixel loop would cost
/// seconds on a camera photo.
/// </summary>
internal static class PixelConversion
{
    /// <summary>An opaque Rgba8888 bitmap as a new [1,3,H,W] float32 tensor in [0,1]; alpha is dropped.</summary>
    public static Tensor ToTensor(SKBitmap bitmap)
    {
        var (w, h) = (bitmap.Width, bitmap.Height);
        if (bitmap.ColorType != SKColorType.Rgba8888 || bitmap.RowBytes != w * 4)
            throw new ArgumentException($"expected a tightly packed Rgba8888 bitmap, got {bitmap.ColorType} with {bitmap.RowBytes} bytes per row");

        using var scope = NewDisposeScope();
        // Copied straight into a tensor's memory (no managed array: a 100-megapixel one is 400 MB the GC frees when
        // it likes, which no memory estimate can bound), and made planar while still bytes, so the float32 image is
        // made once, already contiguous: the peak is the bitmap, 7 bytes and 12 bytes a pixel (MemoryEstimate.DecodePeakBytes).
        var rgba = empty([h, w, 4], ScalarType.Byte);
        bitmap.GetPixelSpan().CopyTo(rgba.bytes);
        var planar = rgba.narrow(2, 0, 3)         // drop alpha (already composited over white)
            .permute(2, 0, 1)                      // HWC -> CHW
            .contiguous();
        var image = planar.unsqueeze(0).to(ScalarType.Float32).div_(255f);
        return scope.MoveToOuter(image);
    }

    /// <summary>
    /// An image tensor ([1,3,H,W] or [3,H,W], any float dtype, any device) as a new opaque
    /// Rgba8888 bitmap. Values are clamped to [0,1] (NaN becomes 0) and rounded to the nearest
    /// 8-bit level, so the bytes depend on the tensor values and nothing else.
    /// </summary>
    public static SKBitmap ToBitmap(Tensor image)
    {
        var (h, w) = ImageResize.CheckImage(image, nameof(image));

        using var scope = NewDisposeScope();
        var chw = image.dim() == 4 ? image[0] : image;
        var rgb = chw.detach().cpu().to(ScalarType.Float32)
            .nan_to_num(nan: 0, posinf: 1, neginf: 0)
            .clamp(0, 1).mul(255).round()
            .to(ScalarType.Byte);
        var alpha = full([1, h, w], 255, ScalarType.Byte);
        var rgba = cat([rgb, alpha], 0).permute(1, 2, 0).contiguous();

        // No colour space: an untagged file is read as sRGB everywhere, and leaving the profile
        // out keeps the file small and its bytes free of encoder-specific metadata.
        var bitmap = new SKBitmap(new SKImageInfo((int)w, (int)h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        try
        {
            if (bitmap.GetPixels() == IntPtr.Zero || bitmap.RowBytes != w * 4)
                throw new NeuralStyleException($"Not enough memory for a {w}×{h} image.");
            rgba.bytes.CopyTo(bitmap.GetPixelSpan());
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }
}
