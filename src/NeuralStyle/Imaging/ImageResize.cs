using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Imaging;

/// <summary>
/// Resizing of image tensors, used when loading and again between scales of a multi-scale run.
/// </summary>
/// <remarks>
/// All resizing goes through torch's bicubic interpolation with <c>antialias: true</c>, which
/// widens the filter when shrinking so every source pixel contributes (the same filter as Pillow's
/// and torchvision's resize, which the reference implementations used). Skia's cubic sampler does
/// not widen its filter, so big reductions alias (moiré on fabric, jagged edges), and its mipmap
/// path is trilinear and visibly soft. One implementation for load-time and multi-scale resizes
/// also means a photo resized either way gives the same pixels.
/// </remarks>
public static class ImageResize
{
    /// <summary>
    /// A new tensor with <paramref name="image"/> ([1,3,H,W] or [3,H,W], float) resized to
    /// <paramref name="height"/>×<paramref name="width"/>, same rank and dtype. Bicubic overshoots
    /// near hard edges, so the result is clamped back to [0,1].
    /// </summary>
    public static Tensor ToSize(Tensor image, int height, int width)
    {
        CheckImage(image, nameof(image));
        if (!image.is_floating_point())
            throw new ArgumentException($"image must be a floating-point tensor, got {image.dtype}", nameof(image));
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);

        using var scope = NewDisposeScope();
        var batch = image.dim() == 4 ? image : image.unsqueeze(0);
        var resized = batch.shape[2] == height && batch.shape[3] == width
            ? batch.clone()
            : nn.functional.interpolate(batch, size: [height, width], mode: InterpolationMode.Bicubic,
                    align_corners: false, antialias: true)
                .clamp_(0, 1);
        var result = image.dim() == 4 ? resized : resized.squeeze(0);
        return scope.MoveToOuter(result);
    }

    /// <summary>Resized so the longest side is <paramref name="longestSide"/>, aspect ratio kept.</summary>
    public static Tensor ToLongestSide(Tensor image, int longestSide)
    {
        var size = SizeOf(image).WithLongestSide(longestSide);
        return ToSize(image, size.Height, size.Width);
    }

    /// <summary>Both sides multiplied by <paramref name="factor"/> (rounded, at least 1).</summary>
    public static Tensor Scaled(Tensor image, double factor)
    {
        var size = SizeOf(image).Scaled(factor);
        return ToSize(image, size.Height, size.Width);
    }

    /// <summary>The width and height of an image tensor.</summary>
    public static ImageSize SizeOf(Tensor image)
    {
        var (h, w) = CheckImage(image, nameof(image));
        return new ImageSize((int)w, (int)h);
    }

    /// <summary>Validates the image tensor layout and returns its height and width.</summary>
    internal static (long Height, long Width) CheckImage(Tensor image, string name)
    {
        ArgumentNullException.ThrowIfNull(image, name);
        var shape = image.shape;
        var ok = shape.Length switch
        {
            4 => shape[0] == 1 && shape[1] == 3,
            3 => shape[0] == 3,
            _ => false,
        };
        if (!ok || shape[^1] < 1 || shape[^2] < 1 || shape[^1] > int.MaxValue || shape[^2] > int.MaxValue)
            throw new ArgumentException($"expected an RGB image tensor [1,3,H,W] or [3,H,W], got [{string.Join(",", shape)}]", name);
        return (shape[^2], shape[^1]);
    }
}
