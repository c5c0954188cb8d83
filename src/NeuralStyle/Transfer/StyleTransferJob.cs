using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// A whole run from files: build the network, load and size the images, optimise. The library entry
/// point for "stylize this photo with these paintings".
/// </summary>
public static class StyleTransferJob
{
    /// <param name="settings">With a resolved model (see <see cref="ModelSpec.Resolve"/>).</param>
    /// <param name="stylePaths">One or more paintings; their Gram targets are blended with <paramref name="styleBlend"/>
    /// (equal weights when null).</param>
    public static StyleTransferResult Run(string contentPath, IReadOnlyList<string> stylePaths, StyleTransferSettings settings,
        IReadOnlyList<double>? styleBlend = null, IProgress<IterationReport>? progress = null,
        Action<int, Tensor>? snapshot = null, CancellationToken cancellation = default)
    {
        settings.Validate();
        if (stylePaths.Count == 0) throw new NeuralStyleException("give at least one style image");
        if (styleBlend is not null && styleBlend.Count != stylePaths.Count)
            throw new NeuralStyleException($"{stylePaths.Count} style images but {styleBlend.Count} blend weights");
        if (settings.Threads > 0) torch.set_num_threads(settings.Threads);

        using var network = FeatureNetworks.Create(settings.Model, settings.WeightsPath, settings.UsedLayers, settings.Pooling, settings.Precision);
        using var scope = torch.NewDisposeScope();
        var contentSize = FitTo(network, ImageLoader.ReadSize(contentPath).WithLongestSide(settings.Size));
        // Before any image is loaded at that size: a size that cannot fit fails now, in one line.
        MemoryEstimate.Check(settings, contentSize.Width, contentSize.Height, PrecisionChoice.ComputeType(settings.Precision));
        var content = ImageLoader.Load(contentPath, contentSize.Width, contentSize.Height);
        var styleSide = Math.Max(1, (int)Math.Round(settings.Size * settings.StyleScale));
        var styles = stylePaths.Select((path, i) =>
        {
            var size = FitTo(network, ImageLoader.ReadSize(path).WithLongestSide(styleSide));
            return (ImageLoader.Load(path, size.Width, size.Height), styleBlend?[i] ?? 1.0);
        }).ToList();
        var initial = settings.Init.Kind == InitialImageKind.File
            ? ImageLoader.Load(settings.Init.Path!, contentSize.Width, contentSize.Height)
            : null;

        var result = StyleTransferRunner.Run(network, settings, content, styles, initial, progress, snapshot, cancellation);
        result.Image.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>Rounds each side to the nearest multiple the network needs (ResNet18: 32), at least one multiple.</summary>
    private static ImageSize FitTo(IFeatureNetwork network, ImageSize size)
    {
        var m = network.SizeMultiple;
        int Round(int side) => Math.Max(m, (int)Math.Round(side / (double)m) * m);
        return m == 1 ? size : new ImageSize(Round(size.Width), Round(size.Height));
    }
}
