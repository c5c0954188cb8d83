using System.Diagnostics;
using NeuralStyle.Losses;
using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// The optimisation loop of Gatys et al.: starting from the content photo (or noise, or a file),
/// change the image to lower α·content + β·style + tv. One step is one loss evaluation and one update.
/// </summary>
public static class StyleTransferRunner
{
    /// <param name="content">Content photo, RGB [1,3,H,W] in [0,1], already at the output size.</param>
    /// <param name="styles">Paintings (RGB in [0,1], already scaled) with blend weights.</param>
    /// <param name="initialRgb">Start image for <see cref="InitialImageKind.File"/>, at the content's size; else null.</param>
    /// <param name="snapshot">Called every <see cref="StyleTransferSettings.SaveEvery"/> steps with the current
    /// image (RGB [0,1]); the tensor is disposed after the call.</param>
    /// <param name="cancellation">Stops after the current step; the result then holds the image so far.</param>
    /// <param name="regions">Spatial control (<c>--mask-pairs</c>): masks [1,1,H,W] at the content's size, each with
    /// its painting (RGB [0,1]); <paramref name="styles"/> then style only what no mask covers.</param>
    public static StyleTransferResult Run(IFeatureNetwork network, StyleTransferSettings settings, Tensor content,
        IReadOnlyList<(Tensor Image, double Blend)> styles, Tensor? initialRgb = null,
        IProgress<IterationReport>? progress = null, Action<int, Tensor>? snapshot = null,
        CancellationToken cancellation = default, IReadOnlyList<(Tensor Mask, Tensor Image)>? regions = null)
    {
        settings.Validate();
        torch.manual_seed(settings.Seed);

        using var normalizedContent = network.Normalize(content);
        var normalizedStyles = styles.Select(s => (Image: network.Normalize(s.Image), s.Blend)).ToList();
        var normalizedRegions = regions?.Select(r => (r.Mask, Image: network.Normalize(r.Image))).ToList();
        StyleTransferObjective objective;
        try
        {
            objective = new StyleTransferObjective(network, normalizedContent, normalizedStyles,
                settings.StyleLayers.Select(l => (l.Layer, l.Weight)).ToList(), settings.ContentLayer,
                settings.Normalization, settings.ContentWeight, settings.StyleWeight, settings.TvWeight, settings.ActivationSmoothing,
                settings.StyleLoss, normalizedRegions, settings.StyleOctaves, settings.ContentOctave);
        }
        finally
        {
            foreach (var style in normalizedStyles) style.Image.Dispose();
            foreach (var region in normalizedRegions ?? []) region.Image.Dispose();
        }

        using (objective)
        {
            using var start = StartImage(settings.Init, content, initialRgb);
            using var image = new ImageParameter(network, settings.Space, start);
            using var step = OptimizerStep.Create(settings, image, objective);
            using var average = settings.EmaDecay > 0 ? new IterateAverage(settings.EmaDecay) : null;

            var clock = Stopwatch.StartNew();
            var completed = 0;
            for (var i = 1; i <= settings.Iterations && !cancellation.IsCancellationRequested; i++)
            {
                using var scope = torch.NewDisposeScope();
                var terms = step.Take();
                RequireFinite(terms, image, i, settings);
                completed = i;
                if (average is not null) { using var iterate = image.Snapshot(); average.Update(iterate); }
                progress?.Report(new IterationReport(i, settings.Iterations, terms, clock.Elapsed.TotalSeconds));
                if (snapshot is not null && settings.SaveEvery > 0 && i % settings.SaveEvery == 0 && i < settings.Iterations)
                {
                    using var current = average?.Snapshot() ?? image.Snapshot();
                    snapshot(i, current);
                }
            }
            return new StyleTransferResult(average?.Snapshot() ?? image.Snapshot(), completed, completed < settings.Iterations);
        }
    }

    /// <summary>
    /// An infinite or NaN loss (weights so large that float32 overflows, e.g. --style-weight 1e39) or image
    /// (a non-finite gradient step) cannot improve any more: every later step is garbage and the result would
    /// be the start image or noise with exit code 0. Stop with a one-line error instead; nothing is saved.
    /// </summary>
    private static void RequireFinite(LossBreakdown terms, ImageParameter image, int step, StyleTransferSettings settings)
    {
        bool finite;
        using (torch.no_grad())
        using (var all = image.Value.isfinite().all())
            finite = all.item<bool>();
        if (double.IsFinite(terms.Total) && finite) return;
        var what = double.IsFinite(terms.Total) ? "the image (the gradient step overflowed)" : $"the loss ({terms.Total})";
        throw new NeuralStyleException(FormattableString.Invariant(
            $"{what} is not finite at step {step}: the weights are too large for float32 (α={settings.ContentWeight} β={settings.StyleWeight} tv={settings.TvWeight}) or the learning rate ({settings.LearningRate}) too high; lower them. Nothing was saved."));
    }

    private static Tensor StartImage(InitialImage init, Tensor content, Tensor? initialRgb)
    {
        // Every temporary is disposed here: a run must leave no tensor behind (see TensorLeakTests).
        using var scope = torch.NewDisposeScope();
        var start = init.Kind switch
        {
            InitialImageKind.Content => content.clone(),
            // White noise in [0,1] from the seeded global generator, so the same seed gives the same start.
            InitialImageKind.Noise => torch.rand_like(content),
            InitialImageKind.NoiseBlend => content.mul(1 - init.NoiseAmount).add_(torch.rand_like(content).mul_(init.NoiseAmount)),
            _ => (initialRgb ?? throw new ArgumentException("an initial image tensor is required for --init PATH")).clone(),
        };
        return start.MoveToOuterDisposeScope();
    }
}
