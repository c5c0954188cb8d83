using NeuralStyle.Imaging;
using NeuralStyle.Losses;
using NeuralStyle.Networks;

namespace NeuralStyle.Transfer;

/// <summary>Everything that decides a style transfer run. Presets produce one; every CLI option overrides one field.</summary>
public sealed record StyleTransferSettings
{
    /// <summary>Longest side of the output, in pixels.</summary>
    public int Size { get; init; }
    /// <summary>The style image's longest side is <see cref="Size"/> × this.</summary>
    public double StyleScale { get; init; } = 1.0;
    /// <summary>One scale per style image, overriding <see cref="StyleScale"/>; null = StyleScale for all.
    /// Lets one painting give coarse structure (small scale) and another fine texture (large scale).</summary>
    public IReadOnlyList<double>? StyleScales { get; init; }
    /// <summary>Coarse-to-fine scales (<see cref="ScalePyramid"/>); 1 = optimise at <see cref="Size"/> only,
    /// <see cref="ScalePyramid.Automatic"/> (0) = as many as the size allows.</summary>
    public int Scales { get; init; } = 1;
    /// <summary>Steps at each scale, coarsest first (<c>--scale-iterations</c>), one per scale; null = the
    /// <see cref="ScalePyramid"/> default (<see cref="Iterations"/> each, half at the finest).</summary>
    public IReadOnlyList<int>? ScaleIterations { get; init; }
    public int Iterations { get; init; }
    public OptimizerKind Optimizer { get; init; }
    public double LearningRate { get; init; }
    /// <summary>Curvature pairs L-BFGS keeps (<c>--lbfgs-history</c>). Each pair is two image-sized vectors, so at
    /// large sizes the history can outweigh the network: 100 pairs at 2048² take 9.4 GiB.</summary>
    public int LbfgsHistory { get; init; } = 100;
    /// <summary>α.</summary>
    public double ContentWeight { get; init; }
    /// <summary>β.</summary>
    public double StyleWeight { get; init; }
    public double TvWeight { get; init; }
    /// <summary>Weight of the temporal term of a video frame (<see cref="Losses.TemporalLoss"/>); used only when the inputs
    /// carry a <see cref="TemporalGuide"/>. See the README, "Video", for how the default was chosen.</summary>
    public double TemporalWeight { get; init; } = DefaultTemporalWeight;
    public IReadOnlyList<LayerWeight> StyleLayers { get; init; } = [];
    public string ContentLayer { get; init; } = "";
    public PoolingKind Pooling { get; init; }
    public LossNormalization Normalization { get; init; }
    /// <summary>Softmax over channels before each style Gram matrix (<c>--activation-smoothing</c>).</summary>
    public bool ActivationSmoothing { get; init; }
    public ImageSpace Space { get; init; }
    /// <summary><c>--mask-pairs</c>: regions of the content with their own paintings (empty = none).</summary>
    public IReadOnlyList<MaskPair> MaskPairs { get; init; } = [];
    /// <summary><c>--style-loss</c>: which statistics of the features count as style.</summary>
    public StyleLossKind StyleLoss { get; init; }
    /// <summary><c>--style-trim F</c>: this fraction of each side of every painting is left out (frames, mounts,
    /// canvas edges in scans); 0 = the whole painting.</summary>
    public double StyleTrim { get; init; }
    /// <summary><c>--style-upscale false</c>: a painting is never enlarged past its own pixels, whatever <see cref="StyleScale"/> and the
    /// scale's size ask for (<see cref="StyleSide"/>). Enlarging a small painting (a 192 px crop at 512 or 1024 px) blurs it, and the
    /// blur is then matched as if it were its style. True (the field's default, what checkpoints written before it existed ran) = as asked.</summary>
    public bool StyleUpscale { get; init; } = true;
    /// <summary><c>--style-octaves N</c>: style statistics also of N−1 shrunk copies of the image (<see cref="Losses.Octaves"/>); 1 = off.</summary>
    public int StyleOctaves { get; init; } = 1;
    /// <summary><c>--content-octave K</c>: the content term compares the image and the photo shrunk 2^K times; 0 = full size.</summary>
    public int ContentOctave { get; init; }
    /// <summary><c>--content-mask-weight G</c>: where the content mask (<see cref="StyleTransferInputs.ContentMask"/>) is white the
    /// content term counts 1 + G times (eyes, mouth and jaw of a face kept); no effect without a mask.</summary>
    public double ContentMaskGain { get; init; } = DefaultContentMaskGain;
    /// <summary><c>--ema DECAY</c>: output an exponential moving average of the iterates (0 = off).</summary>
    public double EmaDecay { get; init; }
    /// <summary><c>--preserve-color</c>: keep the photo's colours (see <see cref="ColorPreservation"/>).</summary>
    public ColorPreservation PreserveColor { get; init; }
    public InitialImage Init { get; init; } = InitialImage.Content;
    public long Seed { get; init; }
    /// <summary>Save an intermediate image every N iterations (0 = never).</summary>
    public int SaveEvery { get; init; }
    public ModelSpec Model { get; init; } = ModelSpec.Auto;
    /// <summary>A PyTorch checkpoint; null = the model cache.</summary>
    public string? WeightsPath { get; init; }
    /// <summary>Intra-op threads for libtorch; 0 = libtorch's default (one per core).</summary>
    public int Threads { get; init; }
    /// <summary><c>--tile N</c>: evaluate the loss in tiles with interiors of at most N pixels wherever a scale's image is
    /// larger (exact, see <see cref="Tiling.TileGeometry"/>); 0 = only where the whole image would not fit
    /// <see cref="MaxMemoryBytes"/>.</summary>
    public int TileSize { get; init; }
    /// <summary><c>--max-memory</c>: the most memory the process may use (bytes); tiles and the L-BFGS history are
    /// sized to it (<see cref="MemoryPlan"/>). Null = what the machine has available when the session starts.</summary>
    public long? MaxMemoryBytes { get; init; }
    /// <summary>Feature network weights and activations in fp32 or bf16 (<c>--precision</c>); losses stay fp32.</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>The default <see cref="ContentMaskGain"/>: a first guess (α·5 over a face against the default look's α = 0.3
    /// elsewhere), not yet compared on portraits by eye or by judges.</summary>
    public const double DefaultContentMaskGain = 4;

    /// <summary>The default <see cref="TemporalWeight"/>.</summary>
    public const double DefaultTemporalWeight = 200;

    /// <summary>The most intra-op threads a run may ask for: 4 per core, at most 256 (more only adds contention;
    /// --threads 100000 would start thousands of threads and never finish a step).</summary>
    public static int MaxThreads => Math.Clamp(4 * Environment.ProcessorCount, 4, 256);

    /// <summary>The longest side painting <paramref name="index"/> is loaded at for a scale whose longest side is <paramref name="side"/>:
    /// side × its style scale, at most its own (trimmed) longest side unless <see cref="StyleUpscale"/>, and at least 1.</summary>
    public int StyleSide(int side, int index, ImageSize painting)
    {
        var asked = side * (StyleScales?[index] ?? StyleScale);
        if (!StyleUpscale) asked = Math.Min(asked, painting.LongestSide * (1 - 2 * StyleTrim));
        return Math.Max(1, (int)Math.Round(asked));
    }

    /// <summary>Every layer the loss reads, style and content.</summary>
    public IReadOnlyList<string> UsedLayers => StyleLayers.Select(l => l.Layer).Append(ContentLayer).Distinct().ToList();

    /// <summary>Rejects values no run can use, with one message naming the setting (<see cref="SettingException"/>).</summary>
    public void Validate()
    {
        Require(Size is >= 16 and <= 8192, "Size", "must be between 16 and 8192 pixels");
        Require(StyleScale is > 0 and <= 8 && double.IsFinite(StyleScale), "StyleScale", "must be in (0, 8]");
        Require(StyleScales is null || StyleScales.All(f => f is > 0 and <= 8 && double.IsFinite(f)), "StyleScales", "values must be in (0, 8]");
        Require(Iterations >= 0, "Iterations", "must be ≥ 0");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "LearningRate", "must be a positive number");
        Require(ContentWeight >= 0 && double.IsFinite(ContentWeight), "ContentWeight", "must be a finite number ≥ 0");
        Require(StyleWeight >= 0 && double.IsFinite(StyleWeight), "StyleWeight", "must be a finite number ≥ 0");
        Require(TvWeight >= 0 && double.IsFinite(TvWeight), "TvWeight", "must be a finite number ≥ 0");
        Require(TemporalWeight >= 0 && double.IsFinite(TemporalWeight), "TemporalWeight", "must be a finite number ≥ 0");
        Require(StyleLayers.Count > 0, "StyleLayers", "must name at least one layer");
        Require(ContentLayer.Length > 0, "ContentLayer", "must name a layer");
        Require(ContentMaskGain is >= 0 and <= 100 && double.IsFinite(ContentMaskGain), "ContentMaskGain", "must be between 0 and 100");
        Require(EmaDecay is >= 0 and < 1, "EmaDecay", "must be in [0, 1), e.g. 0.9");
        Require(SaveEvery >= 0, "SaveEvery", "must be ≥ 0");
        Require(StyleTrim is >= 0 and <= 0.25, "StyleTrim", "must be between 0 and 0.25 (a fraction of each side)");
        Require(StyleOctaves is >= 1 and <= 4, "StyleOctaves", "must be between 1 and 4");
        Require(ContentOctave is >= 0 and <= 3, "ContentOctave", "must be between 0 and 3");
        Require(Scales is >= ScalePyramid.Automatic and <= ScalePyramid.MaximumScales, "Scales", $"must be auto or between 1 and {ScalePyramid.MaximumScales}");
        var scales = ScalePyramid.Requested(Size, Scales);
        Require(ScaleIterations is null || ScaleIterations.Count == scales,
            "ScaleIterations", $"needs one step count per scale ({scales} with Scales {(Scales == ScalePyramid.Automatic ? "auto" : Scales)})");
        Require(ScaleIterations is null || ScaleIterations.All(n => n >= 0), "ScaleIterations", "values must be ≥ 0");
        Require(TileSize == 0 || TileSize is >= 16 and <= 8192, "TileSize", "must be 0 (automatic) or between 16 and 8192 pixels");
        Require(MaxMemoryBytes is null || MaxMemoryBytes >= MemoryPlan.MinimumBudget, "MaxMemoryBytes", $"must be at least {MemorySize.Format(MemoryPlan.MinimumBudget)}");
        Require(LbfgsHistory is >= 1 and <= 1000, "LbfgsHistory", "must be between 1 and 1000");
        Require(Threads >= 0 && Threads <= MaxThreads, "Threads", $"must be between 0 (one per core) and {MaxThreads} (4 per core, at most 256)");
    }

    private static void Require(bool condition, string setting, string detail)
    {
        if (!condition) throw new SettingException(setting, detail);
    }
}
