using NeuralStyle.Runtime;
using NeuralStyle.Networks;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// A rough upper estimate of a run's peak memory, so a size that cannot fit fails at once with one
/// line instead of being killed by the kernel minutes later. The estimate, per image pixel:
/// <list type="bullet">
/// <item>feature maps: every layer output up to the deepest used layer (VGG: counted from the
/// architecture; any ONNX network: 200 values, ResNet18 measures about 150), × 1.2: measured with
/// VGG19 between 1024² and 2048², memory grows by 1.0 × the layer outputs per pixel (the maps freed
/// early make up for the backward pass's gradients), and 0.2 is the margin;</item>
/// <item>L-BFGS history: 2 × <see cref="StyleTransferSettings.LbfgsHistory"/> vectors of 3 floats, × 1.5:
/// measured with ResNet18 at 1024², the peak grew from 1.7 GiB after 3 steps to 5.1 GiB after 110,
/// 1.5 × the 2.3 GiB the 97 added pairs hold (clones made while a pair is stored, and memory the
/// allocator keeps);</item>
/// </list>
/// plus 1 GiB for libtorch, weights and images. It is compared with MemAvailable in /proc/meminfo.
/// </summary>
public static class MemoryEstimate
{
    private const double BackwardFactor = 1.2;
    private const double LbfgsOverhead = 1.5;
    private const double OnnxValuesPerPixel = 200;
    private const double FixedBytes = 1L << 30;

    /// <summary>Estimated peak bytes of a run with these settings on a width × height image.</summary>
    public static double PeakBytes(StyleTransferSettings settings, long width, long height, ScalarType computeType)
    {
        var pixels = (double)width * height;
        var elementSize = computeType == ScalarType.BFloat16 ? 2 : 4;
        var features = ActivationValuesPerPixel(settings) * elementSize * BackwardFactor;
        var optimizer = settings.Optimizer == OptimizerKind.Lbfgs ? LbfgsOverhead * 2.0 * settings.LbfgsHistory * 3 * 4 : 3 * 3 * 4; // Adam: two moments
        return FixedBytes + pixels * (features + optimizer);
    }

    /// <summary>Throws a one-line <see cref="NeuralStyleException"/> when the estimate exceeds the memory the kernel
    /// says is available; does nothing where /proc/meminfo cannot be read.</summary>
    public static void Check(StyleTransferSettings settings, long width, long height, ScalarType computeType, long? availableBytes = null)
    {
        var available = availableBytes ?? ReadMemAvailable();
        if (available is null) return;
        var needed = PeakBytes(settings, width, height, computeType);
        if (needed > available)
            throw new NeuralStyleException(FormattableString.Invariant(
                $"{width}×{height} px needs about {needed / (1L << 30):F1} GiB but only {available.Value / (double)(1L << 30):F1} GiB is available; use a smaller --size") +
                (settings.Optimizer == OptimizerKind.Lbfgs ? ", a shorter --lbfgs-history or --optimizer adam" : ""));
    }

    private static double ActivationValuesPerPixel(StyleTransferSettings settings)
    {
        if (settings.Model.Family != ModelFamily.Vgg) return OnnxValuesPerPixel;
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

    /// <summary>MemAvailable from /proc/meminfo in bytes, or null where it cannot be read.</summary>
    public static long? ReadMemAvailable() => ProcFile.ReadKilobytesAsBytes("/proc/meminfo", "MemAvailable");
}
