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
        if (settings.StyleScales is not null && settings.StyleScales.Count != stylePaths.Count)
            throw new NeuralStyleException($"{stylePaths.Count} style images but {settings.StyleScales.Count} style scales");
        if (settings.Threads > 0) torch.set_num_threads(settings.Threads);

        using var network = FeatureNetworks.Create(settings.Model, settings.WeightsPath, settings.UsedLayers, settings.Pooling, settings.Precision);
        using var scope = torch.NewDisposeScope();
        var contentFullSize = ImageLoader.ReadSize(contentPath); // read once; every scale sizes from it
        var finalSize = FitTo(network, contentFullSize.WithLongestSide(settings.Size));
        // Before any image is loaded at that size: a size that cannot fit fails now, in one line.
        MemoryEstimate.Check(settings, finalSize.Width, finalSize.Height, PrecisionChoice.ComputeType(settings.Precision));

        var plan = ScalePyramid.Plan(settings);
        var totalSteps = plan.Sum(p => p.Iterations);
        // A step's cost grows with its pixels: the progress share of each step, for honest time estimates.
        var totalWork = plan.Sum(p => p.Iterations * (double)p.Side * p.Side);
        var workBefore = 0.0;
        StyleTransferResult? result = null;
        var stepsBefore = 0;
        var secondsBefore = 0.0;
        for (var k = 0; k < plan.Count; k++)
        {
            var last = k == plan.Count - 1;
            var scale = settings with { Size = plan[k].Side, Iterations = plan[k].Iterations, Scales = 1, ScaleIterations = null };
            Tensor? start = null;
            if (result is not null)
            {
                // Each finer scale starts from the coarser result, upsampled; style targets are recomputed at this size.
                var size = FitTo(network, contentFullSize.WithLongestSide(scale.Size));
                start = ImageResize.ToSize(result.Image, size.Height, size.Width);
                result.Dispose();
                scale = scale with { Init = new InitialImage(InitialImageKind.File, "the previous scale") };
            }
            // Step numbers and seconds run on across scales, so a log reads as one run.
            var scaleProgress = new ContinuingProgress(progress, stepsBefore, totalSteps, secondsBefore,
                plan.Count == 1 ? null : (workBefore / totalWork, (double)plan[k].Side * plan[k].Side / totalWork));
            result = RunOneScale(network, contentPath, contentFullSize, stylePaths, styleBlend, scale, start, scaleProgress,
                last ? snapshot : null, cancellation);
            stepsBefore += result.StepsCompleted;
            workBefore += result.StepsCompleted * (double)plan[k].Side * plan[k].Side;
            secondsBefore = scaleProgress.LastSeconds;
            if (result.Cancelled && !last)
            {
                // Stopped at a coarse scale: hand back that image at the size that was asked for.
                var image = ImageResize.ToSize(result.Image, finalSize.Height, finalSize.Width);
                result.Dispose();
                result = new StyleTransferResult(image, stepsBefore, Cancelled: true);
                break;
            }
        }
        result = result! with { StepsCompleted = stepsBefore, Cancelled = stepsBefore < totalSteps };
        result.Image.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>One optimisation at <c>settings.Size</c>: load and size every image for it, then run.</summary>
    /// <param name="start">The start image at this size (from a coarser scale), or null for settings.Init.</param>
    private static StyleTransferResult RunOneScale(IFeatureNetwork network, string contentPath, ImageSize contentFullSize, IReadOnlyList<string> stylePaths,
        IReadOnlyList<double>? styleBlend, StyleTransferSettings settings, Tensor? start, IProgress<IterationReport>? progress,
        Action<int, Tensor>? snapshot, CancellationToken cancellation)
    {
        using var scope = torch.NewDisposeScope();
        var contentSize = FitTo(network, contentFullSize.WithLongestSide(settings.Size));
        var content = ImageLoader.Load(contentPath, contentSize.Width, contentSize.Height);
        var styles = stylePaths.Select((path, i) =>
        {
            var styleSide = Math.Max(1, (int)Math.Round(settings.Size * (settings.StyleScales?[i] ?? settings.StyleScale)));
            var size = FitTo(network, ImageLoader.ReadSize(path).WithLongestSide(styleSide));
            return (ImageLoader.Load(path, size.Width, size.Height), styleBlend?[i] ?? 1.0);
        }).ToList();
        // Mask styles are sized like the others (with the first style scale when there are several).
        var regionSide = Math.Max(1, (int)Math.Round(settings.Size * (settings.StyleScales?[0] ?? settings.StyleScale)));
        var regions = settings.MaskPairs.Select(pair =>
        {
            var size = FitTo(network, ImageLoader.ReadSize(pair.StylePath).WithLongestSide(regionSide));
            return (Mask: pair.LoadMask(contentSize.Width, contentSize.Height), Image: ImageLoader.Load(pair.StylePath, size.Width, size.Height));
        }).ToList();
        var initial = start ?? (settings.Init.Kind == InitialImageKind.File
            ? ImageLoader.Load(settings.Init.Path!, contentSize.Width, contentSize.Height)
            : null);

        var color = new ColorStage(settings.PreserveColor, content);
        var regionStyles = color.Styles(regions.Select(r => (r.Image, 1.0)).ToList());
        var controlled = regions.Count == 0 ? null : regions.Select((r, k) => (r.Mask, regionStyles[k].Image)).ToList();
        var result = StyleTransferRunner.Run(network, settings, color.Content(content), color.Styles(styles), color.Initial(initial),
            progress, color.Snapshot(snapshot), cancellation, controlled);
        result = color.Finish(result);
        result.Image.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>Rounds each side to the nearest multiple the network needs (ResNet18: 32), at least one multiple.</summary>
    internal static ImageSize FitTo(IFeatureNetwork network, ImageSize size)
    {
        var m = network.SizeMultiple;
        int Round(int side) => Math.Max(m, (int)Math.Round(side / (double)m) * m);
        return m == 1 ? size : new ImageSize(Round(size.Width), Round(size.Height));
    }

    /// <summary>Reports one scale's steps as part of the whole run (synchronously, in order).</summary>
    /// <param name="work">Share of the run done before this scale and per step of it; null for a single scale.</param>
    private sealed class ContinuingProgress(IProgress<IterationReport>? inner, int stepsBefore, int totalSteps, double secondsBefore,
        (double Before, double PerStep)? work) : IProgress<IterationReport>
    {
        private readonly double _secondsBefore = secondsBefore;

        public double LastSeconds { get; private set; } = secondsBefore;

        public void Report(IterationReport r)
        {
            LastSeconds = _secondsBefore + r.Seconds;
            inner?.Report(r with
            {
                Step = stepsBefore + r.Step, TotalSteps = totalSteps, Seconds = LastSeconds,
                WorkDone = work is { } w ? Math.Min(1, w.Before + r.Step * w.PerStep) : null,
            });
        }
    }
}
