using NeuralStyle.Runtime;
using NeuralStyle.Networks;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// A rough upper estimate of a run's peak memory, so a size that cannot fit fails at once with one
/// line instead of being killed by the kernel minutes later. The estimate, per image pixel:
/// <list type="bullet">
/// <item>feature maps: every layer output up to the deepest used layer (VGG: counted from the
/// architecture; any ONNX network: 200 values, ResNet18 measures about 150, or the graph's own count of the
/// tensors the layers depend on where it is higher, <see cref="IFeatureNetwork.ValuesPerPixel"/>), × 1.2: measured with
/// VGG19 between 1024² and 2048², memory grows by 1.0 × the layer outputs per pixel (the maps freed
/// early make up for the backward pass's gradients), and 0.2 is the margin;</item>
/// <item>L-BFGS history: 2 × <see cref="StyleTransferSettings.LbfgsHistory"/> vectors of 3 floats, × 1.5:
/// measured with ResNet18 at 1024², the peak grew from 1.7 GiB after 3 steps to 5.1 GiB after 110,
/// 1.5 × the 2.3 GiB the 97 added pairs hold (clones made while a pair is stored, and memory the
/// allocator keeps);</item>
/// </list>
/// plus 1 GiB for libtorch, weights and images. <see cref="MemoryPlan"/> compares it with the budget.
/// </summary>
public static class MemoryEstimate
{
    private const double BackwardFactor = 1.2;
    public const double LbfgsOverhead = 1.5;
    private const double OnnxValuesPerPixel = 200;
    public const double FixedBytes = 1L << 30;

    /// <summary>Estimated peak bytes of a run with these settings on a width × height image.</summary>
    /// <param name="networkValues">The network's own count (<see cref="IFeatureNetwork.ValuesPerPixel"/>), if it has one.</param>
    public static double PeakBytes(StyleTransferSettings settings, long width, long height, ScalarType computeType, double? networkValues = null)
    {
        var pixels = (double)width * height;
        var elementSize = computeType == ScalarType.BFloat16 ? 2 : 4;
        var features = ActivationValuesPerPixel(settings, networkValues) * elementSize * BackwardFactor;
        return FixedBytes + pixels * (features + OptimizerBytesPerPixel(settings, settings.LbfgsHistory));
    }

    /// <summary>Image-sized float32 tensors (12 bytes per pixel) a tiled step holds at its peak besides the optimiser's
    /// history: the image, its gradient, the photo, the network input, the padded image and its gradient, the backward
    /// pass through padding and normalisation, total variation's differences, L-BFGS's gradient, direction and previous
    /// step. Fitted to neural-style-bench tiles with Adam (AVX-512 EPYC, bf16, tiles of 512 px): 2048×1365 px peaked at
    /// 2046 MiB, 4096×2731 px at 3390 MiB, 8.3 vectors per pixel besides Adam's moments and the content target; 9.</summary>
    public const double TiledImageVectors = 9;

    /// <summary>What an L-BFGS pair really costs in a tiled run, against its two nominal vectors: measured 2.0× at
    /// 1024×683 px (100 pairs) and 2.07× at 2048×1365 px (26 pairs), in separate processes. Vectors of those sizes
    /// come from glibc's heap, where the tiles' short-lived tensors fragment it around the long-lived pairs (a fixed
    /// mmap threshold of 1 MiB took 40 % off a tiled run's peak but made its steps 50 % slower, so we pay memory).</summary>
    public const double TiledLbfgsOverhead = 2.1;

    /// <summary>Bytes per value of a tile's layer outputs, measured (neural-style-bench tiles, AVX-512 EPYC, bundled VGG
    /// layers, Adam, 2048×1365 px with tiles of 256/512/1024 px): the peak grew by 2.0 KB per tile input pixel in bf16
    /// and 1.8 KB in fp32, for 472 values per pixel up to relu3_2. bf16 is no smaller: the losses read float32 copies
    /// of the requested layers and the convolutions' backward works in float32. So one figure for both, with a margin.</summary>
    public const double TileBytesPerValue = 4.4;

    /// <summary>The runtime, libtorch, the weights and what the allocator keeps from building the targets: the same fit
    /// as <see cref="TiledImageVectors"/> gave 1012 MiB; 1 GiB.</summary>
    public const double TiledFixedBytes = 1L << 30;

    /// <summary>Estimated peak bytes of a run evaluated in tiles of at most <paramref name="tileInputPixels"/> input
    /// pixels (halo included) with an L-BFGS history of <paramref name="history"/> pairs.</summary>
    public static double TiledPeakBytes(StyleTransferSettings settings, long width, long height, ScalarType computeType,
        double tileInputPixels, int history, double? networkValues = null)
    {
        var pixels = (double)width * height;
        var elementSize = computeType == ScalarType.BFloat16 ? 2 : 4;
        var tile = tileInputPixels * ActivationValuesPerPixel(settings, networkValues) * TileBytesPerValue;
        var images = pixels * (TiledImageVectors * 3 * 4 + ContentValuesPerPixel(settings) * elementSize);
        return TiledFixedBytes + tile + images + pixels * OptimizerBytesPerPixel(settings, history, TiledLbfgsOverhead);
    }

    /// <summary>Bytes per pixel of the optimiser's history: L-BFGS two vectors per pair (× the measured overhead),
    /// Adam its two moments and a temporary.</summary>
    /// <param name="lbfgsOverhead">What a pair costs against its two nominal vectors: <see cref="LbfgsOverhead"/> for the
    /// whole image, <see cref="TiledLbfgsOverhead"/> in tiles.</param>
    public static double OptimizerBytesPerPixel(StyleTransferSettings settings, int history, double lbfgsOverhead = LbfgsOverhead) =>
        settings.Optimizer == OptimizerKind.Lbfgs ? lbfgsOverhead * 2.0 * history * 3 * 4 : 3 * 3 * 4;

    /// <summary>Values per image pixel of the photo's features at the content layer, which a tiled run keeps whole.</summary>
    private static double ContentValuesPerPixel(StyleTransferSettings settings)
    {
        if (settings.Model.Family != ModelFamily.Vgg) return 4; // ResNet18's layer3: 256 channels at stride 16 is 1; generous for others
        double scale = 1;
        foreach (var layer in VggArchitecture.ForModel(settings.Model.VggArchitectureName))
        {
            if (layer.Kind == VggLayerKind.Pool) scale /= 4;
            if (layer.Name == settings.ContentLayer) return layer.OutChannels * scale;
        }
        return 64;
    }

    private static double ActivationValuesPerPixel(StyleTransferSettings settings, double? networkValues)
    {
        // 200 is measured (ResNet18, with a margin); a graph that counts more (a long chain) needs its own count.
        if (settings.Model.Family != ModelFamily.Vgg) return Math.Max(OnnxValuesPerPixel, networkValues ?? 0);
        var layers = VggArchitecture.ForModel(settings.Model.VggArchitectureName);
        var used = settings.UsedLayers;
        var deepest = layers.Where(l => used.Contains(l.Name)).Select(l => l.Index).DefaultIfEmpty(layers.Count - 1).Max();
        double values = 0, scale = 1; // each 2×2 pool quarters the positions of what follows
        foreach (var layer in layers.Take(deepest + 1))
        {
            if (layer.Kind == VggLayerKind.Pool) scale /= 4;
            values += layer.OutChannels * scale;
        }
        return values;
    }

    /// <summary>Bytes per decoded pixel at the peak of loading an image (<see cref="Imaging.ImageLoader"/>): the codec's
    /// RGBA bitmap and the upright copy it is drawn onto (8, while both live), then the upright bitmap, its bytes copied
    /// into a tensor, their planar RGB and the float32 image (4 + 4 + 3 + 12 = 23), then, once the bitmap is freed, the
    /// float32 image and the resize's intermediate, at most as large (24). 26 with a margin.</summary>
    public const double DecodeBytesPerPixel = 26;

    /// <summary>Bytes per pixel of the loaded image at the requested size: the resize's float32 output.</summary>
    public const double LoadedBytesPerPixel = 12;

    /// <summary>Estimated peak bytes of loading an image decoded at <paramref name="decoded"/> pixels (the reduced size
    /// JPEG and WebP decode at, else the whole image) and resized to <paramref name="target"/>, from the file's header alone.</summary>
    public static double DecodePeakBytes(Imaging.ImageSize decoded, Imaging.ImageSize target) =>
        decoded.Pixels * DecodeBytesPerPixel + target.Pixels * LoadedBytesPerPixel;

    /// <summary>MemAvailable from /proc/meminfo in bytes, or null where it cannot be read.</summary>
    public static long? ReadMemAvailable() => ProcFile.ReadKilobytesAsBytes("/proc/meminfo", "MemAvailable");
}
