using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// A whole run from files: load and size the images, build the network, optimise. The library entry
/// point for "stylize this photo with these paintings".
/// </summary>
public static class StyleTransferJob
{
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

        using var scope = torch.NewDisposeScope();
        var content = ImageLoader.Load(contentPath, settings.Size);
        var styleSide = Math.Max(1, (int)Math.Round(settings.Size * settings.StyleScale));
        var styles = stylePaths.Select((path, i) => (ImageLoader.Load(path, styleSide), styleBlend?[i] ?? 1.0)).ToList();
        var size = ImageResize.SizeOf(content);
        var initial = settings.Init.Kind == InitialImageKind.File
            ? ImageLoader.Load(settings.Init.Path!, size.Width, size.Height)
            : null;

        using var network = FeatureNetworks.Create(settings.Model, settings.WeightsPath, settings.UsedLayers, settings.Pooling);
        var result = StyleTransferRunner.Run(network, settings, content, styles, initial, progress, snapshot, cancellation);
        result.Image.MoveToOuterDisposeScope();
        return result;
    }
}
