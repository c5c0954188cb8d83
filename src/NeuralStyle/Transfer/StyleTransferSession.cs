using System.Diagnostics;
using NeuralStyle.Imaging;
using NeuralStyle.Losses;
using NeuralStyle.Networks;
using NeuralStyle.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// One style transfer, held in memory and run step by step: the loss network, the scale plan (coarse to
/// fine, <see cref="ScalePyramid"/>) and, for the scale under way, the objective, the optimiser, the image
/// and its moving average. Every feature (multi-scale, colour preservation, masks, several paintings, every
/// style loss, EMA, precision, style trim and octaves) lives here, so every front end gets all of them.
/// </summary>
/// <remarks>
/// <para>Randomness (the noise start) comes from a generator of the session's own, seeded with
/// <see cref="StyleTransferSettings.Seed"/>: sessions running at the same time in one process give the
/// images they give alone. libtorch's thread count is process-wide; with <see cref="StyleTransferSettings.Threads"/>
/// above 0 the session sets it (so concurrent sessions should ask for the same).</para>
/// <para>One thread at a time: <see cref="Step"/>, <see cref="CurrentImage"/> and the rest wait for each other,
/// so a preview may be taken from another thread while <see cref="RunAsync"/> works (it waits for the step under way).</para>
/// <para>The session owns its inputs and (unless one was given) its network, and frees every tensor on
/// <see cref="Dispose"/>, or when its construction fails.</para>
/// </remarks>
public sealed partial class StyleTransferSession : IDisposable
{
    private readonly Lock _lock = new();
    private readonly StyleTransferInputs _inputs;
    private readonly IFeatureNetwork? _network;
    private readonly bool _ownsNetwork;
    private readonly Generator? _generator;
    private readonly ImageSize _contentFullSize;
    private readonly List<IterationReport> _history = [];
    private readonly double _totalWork;
    private ScaleRun? _scale;
    private double _seconds;
    private bool _disposed;

    /// <param name="settings">Resolved settings (<see cref="SettingsResolver"/>, or a preset with a resolved model).</param>
    /// <param name="inputs">The images; the session owns them from now on.</param>
    /// <param name="network">A loss network to use (the caller keeps and disposes it); null = made from the settings.</param>
    public StyleTransferSession(StyleTransferSettings settings, StyleTransferInputs inputs, IFeatureNetwork? network = null)
        : this(settings, inputs, network, null)
    {
    }

    private StyleTransferSession(StyleTransferSettings settings, StyleTransferInputs inputs, IFeatureNetwork? network, SessionState? resume)
    {
        _inputs = inputs;
        Settings = settings;
        try
        {
            settings.Validate();
            inputs.Check(settings);
            TorchCompute.SetThreads(settings.Threads); // process-wide: waits until no other session is computing
            using var computing = TorchCompute.Computing();

            _network = network ?? FeatureNetworks.Create(settings.Model, settings.WeightsPath, settings.UsedLayers, settings.Pooling, settings.Precision);
            _ownsNetwork = network is null;
            _contentFullSize = inputs.Content.Size; // read once; every scale sizes from it
            // Every image keeps its own proportions: a network that needs sides of some multiple pads its input
            // itself (BorderPaddedNetwork), so nothing here is rounded or stretched to fit it.
            FinalSize = _contentFullSize.WithLongestSide(settings.Size);
            Plan = ScalePyramid.Plan(settings);
            // Before any image is loaded: how each scale fits the memory budget (whole or in tiles, and the L-BFGS
            // history), and a size that cannot fit fails now, in one line.
            var budget = MemoryPlan.DefaultBudget();
            MemoryPlans = Plan.Select(p =>
            {
                var size = _contentFullSize.WithLongestSide(p.Side);
                return MemoryPlan.Make(settings, _network, size.Width, size.Height, budget);
            }).ToList();
            TotalSteps = Plan.Sum(p => p.Iterations);
            // A step's cost grows with its pixels: the progress share of each step, for honest time estimates.
            _totalWork = Plan.Sum(p => p.Iterations * (double)p.Side * p.Side);
            _generator = new Generator(unchecked((ulong)settings.Seed));
            if (resume is null) _scale = BuildScale(0, null);
            else Restore(resume);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public StyleTransferSettings Settings { get; }

    /// <summary>Longest side and steps of every scale, coarsest first.</summary>
    public IReadOnlyList<(int Side, int Iterations)> Plan { get; } = [];

    /// <summary>How each scale of <see cref="Plan"/> fits the memory budget: whole or in tiles, and its L-BFGS history.</summary>
    public IReadOnlyList<MemoryPlan> MemoryPlans { get; } = [];

    /// <summary>Steps across all scales.</summary>
    public int TotalSteps { get; }

    /// <summary>The size of the finished image.</summary>
    public ImageSize FinalSize { get; }

    /// <summary>Steps taken so far, across scales.</summary>
    public int StepsCompleted { get; private set; }

    /// <summary>The scale under way (index into <see cref="Plan"/>).</summary>
    public int ScaleIndex => _scale?.Index ?? 0;

    /// <summary>Steps taken at the scale under way.</summary>
    public int ScaleStep => _scale?.Step ?? 0;

    /// <summary>Every step has been taken.</summary>
    public bool IsFinished => StepsCompleted >= TotalSteps;

    /// <summary>The report of every step so far (restored with a checkpoint).</summary>
    public IReadOnlyList<IterationReport> History
    {
        get
        {
            lock (_lock) return _history.ToList();
        }
    }

    /// <summary>Takes one step (one loss evaluation and one update), moving to the next scale first when the
    /// current one is done. Returns its report, or null when every step has been taken.</summary>
    public IterationReport? Step()
    {
        lock (_lock)
        {
            using var computing = TorchCompute.Computing();
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (IsFinished) return null;
            while (_scale!.Step >= _scale.Iterations) Advance();

            var clock = Stopwatch.StartNew();
            using var scope = torch.NewDisposeScope();
            var terms = _scale.Optimizer.Take();
            RequireFinite(terms, _scale.Image, _scale.Step + 1);
            _scale.Step++;
            StepsCompleted++;
            if (_scale.Average is { } average)
            {
                using var iterate = _scale.Image.Snapshot();
                average.Update(iterate);
            }
            _seconds += clock.Elapsed.TotalSeconds;
            var report = new IterationReport(StepsCompleted, TotalSteps, terms, _seconds, Plan.Count == 1 ? null : Math.Min(1, WorkDone() / _totalWork))
            {
                Scale = _scale.Index, Scales = Plan.Count, Side = _scale.Side, ScaleStep = _scale.Step,
            };
            _history.Add(report);
            return report;
        }
    }

    /// <summary>Steps until every step is taken or <paramref name="cancellation"/> is set (checked before each
    /// step), reporting each step synchronously; then the image at the final size (a coarse scale's image is
    /// upsampled to it). Cancellation is not an exception: the result says <see cref="StyleTransferResult.Cancelled"/>.</summary>
    public StyleTransferResult Run(IProgress<IterationReport>? progress = null, CancellationToken cancellation = default)
    {
        while (!cancellation.IsCancellationRequested && Step() is { } report) progress?.Report(report);
        return Result();
    }

    /// <summary>A whole run in one call: a session over <paramref name="inputs"/>, run to the end (or until
    /// cancelled), then disposed. The caller owns the result.</summary>
    public static StyleTransferResult Stylize(StyleTransferSettings settings, StyleTransferInputs inputs,
        IProgress<IterationReport>? progress = null, CancellationToken cancellation = default, IFeatureNetwork? network = null)
    {
        using var session = new StyleTransferSession(settings, inputs, network);
        return session.Run(progress, cancellation);
    }

    /// <summary><see cref="Run"/> on a thread-pool thread.</summary>
    public Task<StyleTransferResult> RunAsync(IProgress<IterationReport>? progress = null, CancellationToken cancellation = default) =>
        Task.Run(() => Run(progress, cancellation), CancellationToken.None);

    /// <summary>The image so far at the current scale's size, as the user would get it (the moving average
    /// when <see cref="StyleTransferSettings.EmaDecay"/> is set, the photo's colours with luminance
    /// preservation): a new RGB tensor [1,3,H,W] in [0,1] the caller owns.</summary>
    public Tensor CurrentImage()
    {
        lock (_lock)
        {
            using var computing = TorchCompute.Computing();
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _scale!.CurrentImage();
        }
    }

    /// <summary><see cref="CurrentImage"/> encoded (PNG, or JPEG/WebP at quality 95), e.g. for a preview.</summary>
    public byte[] EncodeCurrentImage(ImageFormat format = ImageFormat.Png)
    {
        using var image = CurrentImage();
        return ImageSaver.Encode(image, format);
    }

    /// <summary>The image at the final size: the finished result, or, when stopped early, the image so far
    /// (upsampled from a coarser scale). The caller owns it.</summary>
    public StyleTransferResult Result()
    {
        lock (_lock)
        {
            using var computing = TorchCompute.Computing();
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A finest scale with no steps of its own still starts from the coarser result.
            while (IsFinished && _scale!.Index < Plan.Count - 1) Advance();
            var image = _scale!.CurrentImage();
            if (_scale.Index < Plan.Count - 1)
            {
                using var coarse = image;
                image = ImageResize.ToSize(coarse, FinalSize.Height, FinalSize.Width);
            }
            return new StyleTransferResult(image, StepsCompleted, Cancelled: !IsFinished);
        }
    }

    private double WorkDone()
    {
        var work = 0.0;
        for (var k = 0; k < _scale!.Index; k++) work += Plan[k].Iterations * (double)Plan[k].Side * Plan[k].Side;
        return work + _scale.Step * (double)_scale.Side * _scale.Side;
    }

    /// <summary>Moves to the next scale: it starts from this scale's image, upsampled; style targets are recomputed at its size.</summary>
    private void Advance()
    {
        var next = _scale!.Index + 1;
        using var scope = torch.NewDisposeScope();
        var finished = _scale.CurrentImage();
        var size = _contentFullSize.WithLongestSide(Plan[next].Side);
        var start = ImageResize.ToSize(finished, size.Height, size.Width);
        _scale.Dispose();
        _scale = null;
        NativeHeap.Trim(); // the finished scale's memory back to the system before the larger one starts
        _scale = BuildScale(next, start);
        NativeHeap.Trim(); // and what building its targets left behind
    }

    /// <summary>Loads and sizes every image for scale <paramref name="index"/>, computes the targets and sets up the optimiser.</summary>
    /// <param name="start">The start image at this size (from a coarser scale), or null: the init input, or as
    /// <see cref="StyleTransferSettings.Init"/> says.</param>
    private ScaleRun BuildScale(int index, Tensor? start)
    {
        using var scope = torch.NewDisposeScope();
        var (side, iterations) = Plan[index];
        var settings = Settings;
        var contentSize = _contentFullSize.WithLongestSide(side);
        // Every image is checked against the budget from its header before it is decoded (MemoryPlan.EnsureDecodeFits).
        var budget = settings.MaxMemoryBytes;
        var content = _inputs.Content.Load(contentSize.Width, contentSize.Height, budget);
        var styles = _inputs.Styles.Select((source, i) =>
        {
            var size = source.Size.WithLongestSide(settings.StyleSide(side, i, source.Size));
            return (source.LoadTrimmed(size.Width, size.Height, settings.StyleTrim, budget), _inputs.StyleBlend?[i] ?? 1.0);
        }).ToList();
        // Mask styles are sized like the others (with the first style scale when there are several).
        var regions = _inputs.Masks.Select(pair =>
        {
            var size = pair.Style.Size.WithLongestSide(settings.StyleSide(side, 0, pair.Style.Size));
            return (Mask: MaskPair.LoadMask(pair.Mask, contentSize.Width, contentSize.Height, budget),
                Image: pair.Style.LoadTrimmed(size.Width, size.Height, settings.StyleTrim, budget));
        }).ToList();
        var initial = start ?? _inputs.Init?.Load(contentSize.Width, contentSize.Height, budget);
        var contentMask = _inputs.ContentMask is { } maskSource ? MaskPair.LoadMask(maskSource, contentSize.Width, contentSize.Height, budget) : null;

        var color = new ColorStage(settings.PreserveColor, content);
        var regionStyles = color.Styles(regions.Select(r => (r.Image, 1.0)).ToList());
        var controlled = regions.Count == 0 ? null : regions.Select((r, k) => (r.Mask, regionStyles[k].Image)).ToList();
        var optimised = color.Content(content);

        var run = new ScaleRun(index, side, iterations, content.DetachFromDisposeScope(), color);
        try
        {
            var normalizedContent = _network!.Normalize(optimised);
            var normalizedStyles = color.Styles(styles).Select(s => (Image: _network.Normalize(s.Image), s.Blend)).ToList();
            var normalizedRegions = controlled?.Select(r => (r.Mask, Image: _network.Normalize(r.Image))).ToList();
            run.Objective = new StyleTransferObjective(_network, normalizedContent, normalizedStyles,
                settings.StyleLayers.Select(l => (l.Layer, l.Weight)).ToList(), settings.ContentLayer,
                settings.Normalization, settings.ContentWeight, settings.StyleWeight, settings.TvWeight, settings.ActivationSmoothing,
                settings.StyleLoss, normalizedRegions, settings.StyleOctaves, settings.ContentOctave,
                MemoryPlans[index].Tiles, PrecisionChoice.ComputeType(settings.Precision),
                _inputs.Temporal?.LossAt(contentSize.Width, contentSize.Height, settings.TemporalWeight, target => color.Content(target)),
                contentMask, settings.ContentMaskGain);
            var startImage = StartImage(optimised, color.Initial(initial));
            run.Image = new ImageParameter(_network, settings.Space, startImage);
            run.Optimizer = OptimizerStep.Create(settings with { LbfgsHistory = MemoryPlans[index].LbfgsHistory }, run.Image, run.Objective);
            run.Average = settings.EmaDecay > 0 ? new IterateAverage(settings.EmaDecay) : null;
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>The start image (in the caller's dispose scope): the given one, else the content, noise or a blend.</summary>
    private Tensor StartImage(Tensor content, Tensor? initial)
    {
        if (initial is not null) return initial;
        var init = Settings.Init;
        return init.Kind switch
        {
            InitialImageKind.Content => content.clone(),
            // White noise in [0,1] from the session's own generator, so the same seed gives the same start.
            InitialImageKind.Noise => Noise(content),
            InitialImageKind.NoiseBlend => content.mul(1 - init.NoiseAmount).add_(Noise(content).mul_(init.NoiseAmount)),
            _ => throw new SettingException(nameof(StyleTransferSettings.Init), "is a file, but the inputs hold no init image"),
        };
    }

    private Tensor Noise(Tensor like) => torch.rand(like.shape, dtype: like.dtype, generator: _generator);

    /// <summary>
    /// An infinite or NaN loss (weights so large that float32 overflows, e.g. --style-weight 1e39) or image
    /// (a non-finite gradient step) cannot improve any more: every later step is garbage and the result would
    /// be the start image or noise with exit code 0. Stop with a one-line error instead; nothing is saved.
    /// </summary>
    private void RequireFinite(LossBreakdown terms, ImageParameter image, int step)
    {
        bool finite;
        using (torch.no_grad())
        using (var all = image.Value.isfinite().all())
            finite = all.item<bool>();
        if (double.IsFinite(terms.Total) && finite) return;
        var what = double.IsFinite(terms.Total) ? "the image (the gradient step overflowed)" : $"the loss ({terms.Total})";
        var s = Settings;
        throw new NeuralStyleException(FormattableString.Invariant(
            $"{what} is not finite at step {step}: the weights are too large for float32 (α={s.ContentWeight} β={s.StyleWeight} tv={s.TvWeight}) or the learning rate ({s.LearningRate}) too high; lower them. Nothing was saved."));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _scale?.Dispose();
            _scale = null;
            if (_ownsNetwork) _network?.Dispose();
            _generator?.Dispose();
            _inputs.Dispose();
        }
    }

    /// <summary>Everything of one scale: its content (for colour preservation), objective, image, optimiser and average.</summary>
    private sealed class ScaleRun(int index, int side, int iterations, Tensor content, ColorStage color) : IDisposable
    {
        public int Index { get; } = index;
        public int Side { get; } = side;
        public int Iterations { get; } = iterations;
        public int Step { get; set; }
        public StyleTransferObjective? Objective { get; set; }
        public ImageParameter Image { get; set; } = null!;
        public OptimizerStep Optimizer { get; set; } = null!;
        public IterateAverage? Average { get; set; }

        public Tensor CurrentImage() => color.Finish(Average?.Snapshot() ?? Image.Snapshot());

        public void Dispose()
        {
            Average?.Dispose();
            Optimizer?.Dispose();
            Image?.Dispose();
            Objective?.Dispose();
            content.Dispose();
        }
    }
}
