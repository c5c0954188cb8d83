using NeuralStyle.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>A region of the content (white in <see cref="MaskPath"/>) and the painting it takes
/// (<c>--mask-pairs content_mask.png:style.jpg</c>).</summary>
public sealed record MaskPair(string MaskPath, string StylePath)
{
    /// <summary>Parses <c>MASK:STYLE</c>. Split at the last colon that is followed by a path, so a Windows
    /// drive letter in the mask (C:\m.png:s.jpg) still works.</summary>
    public static MaskPair Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new NeuralStyleException($"--mask-pairs: '{text}' is not MASK:STYLE (e.g. sky_mask.png:starry_night.jpg)");
        return new MaskPair(text[..colon], text[(colon + 1)..]);
    }

    /// <summary>
    /// The mask as [1,1,H,W] in [0,1] at the content's size (grey level of the file, white = 1; a mask of
    /// another size or aspect is stretched to the content's, since it is meant to cover the whole photo).
    /// A mask with no pixel above 0.5 would style nothing, which is always a mistake, so it is an error.
    /// </summary>
    public Tensor LoadMask(int width, int height)
    {
        using var source = ImageSource.FromFile(MaskPath);
        return LoadMask(source, width, height);
    }

    /// <summary>A mask from any image source, as <see cref="LoadMask(int, int)"/>, within the run's <c>--max-memory</c>.</summary>
    public static Tensor LoadMask(ImageSource source, int width, int height, long? maxMemoryBytes = null)
    {
        using var scope = torch.NewDisposeScope();
        var rgb = source.Load(width, height, maxMemoryBytes);
        var mask = rgb.mean([1], keepdim: true);
        if (mask.max().item<float>() <= 0.5f)
            throw new NeuralStyleException($"mask '{source.Name}' has no white pixels, so its style would apply nowhere");
        return mask.MoveToOuterDisposeScope();
    }
}
