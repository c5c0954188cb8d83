using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Networks;

/// <summary>
/// A loss network that sees the image extended by reflection and hands back only the feature cells that
/// cover the real image. It is how every run uses its network (<see cref="FeatureNetworks.Create"/>), for
/// two reasons:
/// <list type="bullet">
/// <item>Sizes. Strided networks (ResNet18: 32) need sides that are multiples of N. Rounding the image to
/// them stretched the photo; padding the network input up to the multiple keeps its proportions.</item>
/// <item>Borders. Each convolution pads its input with zeros, and the losses then see border features
/// unlike any in the painting, so the optimiser paints a frame to fit them (README, "Sizes and borders": a darker,
/// smoother edge with ResNet18). With a reflected margin of <c>margin</c> pixels on every side, the zeros
/// sit that far outside the real image and its border cells see image content.</item>
/// </list>
/// The margin is a multiple of the network's total stride (<c>alignment</c>), so every layer's grid
/// starts at the real image's corner and its crop is whole cells: rows margin/s … margin/s + ⌈H/s⌉ of a
/// layer with stride s. Reflection copies pixels, so the gradient of the cropped losses reaches every
/// pixel of the image, the border's included. The wrapped network stays usable raw (parity tests).
/// </summary>
public sealed class BorderPaddedNetwork : IFeatureNetwork
{
    private readonly IFeatureNetwork _inner;

    /// <param name="inner">The raw network; owned (disposed with this).</param>
    /// <param name="margin">Reflected pixels added on every side; a multiple of <paramref name="alignment"/>.</param>
    /// <param name="alignment">Padded sides are multiples of this: the stride of the deepest layer used, and
    /// at least the raw network's <see cref="IFeatureNetwork.SizeMultiple"/>.</param>
    public BorderPaddedNetwork(IFeatureNetwork inner, int margin, int alignment)
    {
        if (alignment < 1 || alignment % inner.SizeMultiple != 0)
            throw new ArgumentException($"alignment {alignment} must be a multiple of {inner.SizeMultiple}", nameof(alignment));
        if (margin < 0 || margin % alignment != 0)
            throw new ArgumentException($"margin {margin} must be a multiple of the alignment {alignment}", nameof(margin));
        _inner = inner;
        Margin = margin;
        Alignment = alignment;
    }

    /// <summary>The raw network (for tiling, which pads once and runs it on pieces of the padded image).</summary>
    public IFeatureNetwork Inner => _inner;

    public int Margin { get; }
    public int Alignment { get; }
    public string Name => _inner.Name;
    public int SizeMultiple => 1; // any size: the padding makes up the rest
    public IReadOnlyList<string> LayerNames => _inner.LayerNames;
    public Tensor Normalize(Tensor rgb) => _inner.Normalize(rgb);
    public Tensor Denormalize(Tensor input) => _inner.Denormalize(input);

    /// <summary>Pixels added before and after a side of <paramref name="real"/> pixels.</summary>
    public (long Before, long After) PadsFor(long real)
    {
        var padded = (real + 2L * Margin + Alignment - 1) / Alignment * Alignment;
        return (Margin, padded - real - Margin);
    }

    /// <summary>The image as the raw network sees it: extended by reflection by <see cref="PadsFor"/> on each side.</summary>
    public Tensor Pad(Tensor input)
    {
        var (top, bottom) = PadsFor(input.shape[2]);
        var (left, right) = PadsFor(input.shape[3]);
        return top + bottom + left + right == 0 ? input.alias() : ReflectionPad.Apply(input, top, bottom, left, right);
    }

    public IReadOnlyDictionary<string, Tensor> Extract(Tensor input, IReadOnlyCollection<string> layers)
    {
        var (h, w) = (input.shape[2], input.shape[3]);
        var (top, bottom) = PadsFor(h);
        var (left, right) = PadsFor(w);
        if (top + bottom + left + right == 0) return _inner.Extract(input, layers);

        using var scope = torch.NewDisposeScope();
        var padded = Pad(input);
        var features = _inner.Extract(padded, layers);
        var result = new Dictionary<string, Tensor>();
        foreach (var (layer, map) in features)
        {
            var stride = StrideOf(layer, map, padded.shape[2], padded.shape[3]);
            result[layer] = map.narrow(2, top / stride, (h + stride - 1) / stride)
                .narrow(3, left / stride, (w + stride - 1) / stride).MoveToOuterDisposeScope();
        }
        return result;
    }

    // The padded sides are multiples of every layer's stride, so a map's size divides them exactly.
    private long StrideOf(string layer, Tensor map, long paddedHeight, long paddedWidth)
    {
        var (mh, mw) = (map.shape[2], map.shape[3]);
        var stride = paddedHeight / mh;
        if (stride * mh != paddedHeight || stride * mw != paddedWidth || Alignment % stride != 0)
            throw new NeuralStyleException(
                $"{Name}: layer '{layer}' is {mh}×{mw} for a {paddedHeight}×{paddedWidth} input, not a whole stride that divides {Alignment}; " +
                "this network's layers cannot be cropped to the image");
        return stride;
    }

    public double? ValuesPerPixel(IReadOnlyCollection<string> layers, long? maxMemoryBytes = null) => _inner.ValuesPerPixel(layers, maxMemoryBytes);

    public void Dispose() => _inner.Dispose();
}
