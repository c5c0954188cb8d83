using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NeuralStyle.Losses;

/// <summary>
/// Octave k of an image is the image shrunk 2^k times by box averaging. A layer of a shrunk copy sees
/// a 2^k times larger part of the picture, so statistics of octaves give shallow networks (the bundled
/// VGG layers end at relu3_4) the large structures that deep layers would see (Snelgrove, "High-Resolution
/// Multi-Scale Neural Texture Synthesis", SIGGRAPH Asia 2017). Averaging is linear, so it works in the
/// network's normalised input space, and differentiable, so gradients reach every pixel.
/// </summary>
public static class Octaves
{
    /// <summary>The smallest side an octave may have: relu3_x needs 4×4 after two poolings, and the
    /// statistics of a smaller map say nothing.</summary>
    public const int MinimumSide = 32;

    /// <summary>Octave <paramref name="octave"/> of <paramref name="image"/> ([N,C,H,W]); octave 0 is the image itself (an alias).</summary>
    public static Tensor Of(Tensor image, int octave)
    {
        if (octave == 0) return image.alias();
        var factor = 1L << octave;
        return F.avg_pool2d(image, kernel_size: factor, stride: factor);
    }

    /// <summary>How many of the requested octaves (counting octave 0) an image of this size can make.</summary>
    public static int Available(Tensor image, int requested)
    {
        var side = Math.Min(image.shape[^1], image.shape[^2]);
        var count = 1;
        while (count < requested && side >> count >= MinimumSide) count++;
        return count;
    }
}
