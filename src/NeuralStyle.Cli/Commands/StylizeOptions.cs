using System.CommandLine;
using System.Globalization;
using NeuralStyle.Losses;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Cli.Commands;

/// <summary>
/// The options of <c>stylize</c>, and how they turn into <see cref="StyleTransferSettings"/>: start
/// from the preset, then each option the user gave overrides one field.
/// </summary>
internal sealed class StylizeOptions
{
    public readonly Argument<string> Content = new("CONTENT") { Description = "The photo to restyle." };
    public readonly Argument<string[]> Style = new("STYLE") { Description = "The painting(s) whose style to use; several are blended (see --style-blend).", Arity = ArgumentArity.OneOrMore };
    public readonly Option<string?> StyleBlend = new("--style-blend") { Description = "Blend weights of the style images, e.g. 0.7,0.3 (normalised to sum 1; default equal)." };
    public readonly Option<string> Output = new("--output", "-o") { Description = "Output image (.png, .jpg, .webp).", Required = true };
    public readonly Option<string> Preset = new("--preset") { Description = "gatys (default: Gatys et al. 2016, L-BFGS, 512 px) or seed (the seed tutorial, Adam, 400 px).", DefaultValueFactory = _ => "gatys" };
    public readonly Option<int?> Size = new("--size") { Description = "Longest side of the output in pixels " + DefaultsHelp.Size + "." };
    public readonly Option<string?> StyleScale = new("--style-scale") { Description = "Style image size relative to the output (1 = same longest side); one value, or one per style image (0.5,2)." };
    public readonly Option<int?> Iterations = new("--iterations") { Description = "Optimisation steps " + DefaultsHelp.Iterations + "." };
    public readonly Option<string?> Optimizer = new("--optimizer") { Description = "lbfgs or adam." };
    public readonly Option<double?> LearningRate = new("--learning-rate") { Description = "Optimiser step size." };
    public readonly Option<double?> ContentWeight = new("--content-weight") { Description = "α, weight of the content loss." };
    public readonly Option<double?> StyleWeight = new("--style-weight") { Description = "β, weight of the style loss." };
    public readonly Option<double?> TvWeight = new("--tv-weight") { Description = "Weight of the total-variation (smoothness) loss." };
    public readonly Option<string?> StyleLayers = new("--style-layers") { Description = "Style layers and their weights, e.g. conv1_1=1,conv2_1=0.75." };
    public readonly Option<string?> ContentLayer = new("--content-layer") { Description = "The content layer, e.g. relu4_2." };
    public readonly Option<string?> Pooling = new("--pooling") { Description = "max or avg." };
    public readonly Option<string?> Init = new("--init") { Description = "Start image: content, noise, noise-blend:A (A = share of noise, 0..1) or an image file." };
    public readonly Option<long?> Seed = new("--seed") { Description = "Random seed (noise init); same seed and threads give the same image." };
    public readonly Option<int?> SaveEvery = new("--save-every") { Description = "Also save OUTPUT_<step> every N steps." };
    public readonly Option<string?> Model = new("--model") { Description = "Loss network: auto (the full VGG19 if its weights are given or cached, else the bundled vgg19-conv3), vgg19, vgg19-conv3, vgg16, resnet18 (bundled) or onnx:PATH." };
    public readonly Option<string?> Weights = new("--weights") { Description = "VGG: a PyTorch checkpoint (default: the model cache); resnet18: another ResNet18.onnx." };
    public readonly Option<int?> Threads = new("--threads") { Description = "CPU threads (default: one per core)." };
    public readonly Option<bool?> ActivationSmoothing = new("--activation-smoothing") { Description = "Softmax over channels before each style Gram matrix (Wang et al. 2021); off by default, see the README." };
    public readonly Option<string?> PreserveColor = new("--preserve-color") { Description = "Keep the photo's colours: none (default), luminance (style on luminance only, photo's chroma) or histogram (painting recoloured to the photo's colour mean and covariance)." };
    public readonly Option<string?> StyleLoss = new("--style-loss") { Description = "Style statistic: gram (default), mean-cov (feature mean and covariance) or wasserstein (W2 between Gaussian fits)." };
    public readonly Option<double?> StyleTrim = new("--style-trim") { Description = "Leave out this fraction of each side of every painting (frames, mounts, canvas edges); default 0.03 (gatys), 0 = the whole painting." };
    public readonly Option<bool?> StyleUpscale = new("--style-upscale") { Description = "true (default): paintings are enlarged to the size --style-scale asks for; false: never past their own pixels, so a small painting stays sharp (see the README, The default look)." };
    public readonly Option<int?> StyleOctaves = new("--style-octaves") { Description = "Style statistics also of N−1 copies of the image shrunk 2×, 4×… (larger strokes from shallow layers); 1 = off." };
    public readonly Option<int?> ContentOctave = new("--content-octave") { Description = "Compare content on the image shrunk 2^K times (keeps the layout, frees the fine texture); 0 = full size." };
    public readonly Option<string?> ContentMask = new("--content-mask") { Description = "Keep the photo more closely where this mask (an image, stretched to the photo) is white, e.g. a face; 'faces' finds the faces in the photo itself. See --content-mask-weight." };
    public readonly Option<double?> ContentMaskWeight = new("--content-mask-weight") { Description = $"How much more the content counts where --content-mask is white: 1 + this many times (default {StyleTransferSettings.DefaultContentMaskGain})." };
    public readonly Option<double?> Ema = new("--ema") { Description = "Output an exponential moving average of the iterates with this decay, e.g. 0.9 (default off)." };
    public readonly Option<string[]> MaskPairs = new("--mask-pairs") { Description = "Spatial control: MASK:STYLE pairs; the white part of each content-sized mask takes its painting, the rest the STYLE images.", AllowMultipleArgumentsPerToken = true };
    public readonly Option<string?> ContactSheet = new("--contact-sheet") { Description = "Also write a PNG with the content, style(s) and result side by side, labelled." };
    public readonly Option<string?> PlotLosses = new("--plot-losses") { Description = "Also write a PNG of the loss curves per term." };
    public readonly Option<string?> Precision = new("--precision") { Description = "Feature network in auto (bf16 only where it was measured faster: amx_bf16, or avx512_bf16 on AMD), fp32 or bf16; losses and the image stay fp32." };
    public readonly Option<string?> Scales = new("--scales") { Description = "Coarse-to-fine: optimise at N sizes, each twice the previous, ending at --size; auto (the resnet18 default) = from 256–511 px up, 1 = --size only (the VGG default)." };
    public readonly Option<string?> ScaleIterations = new("--scale-iterations") { Description = "Steps at each scale, coarsest first, e.g. 300,150,60 (implies --scales with that many; default: two thirds of --iterations at each coarse scale, all of them at the finest)." };
    public readonly Option<int?> LbfgsHistory = new("--lbfgs-history") { Description = "Curvature pairs L-BFGS keeps (default 100); each costs two image-sized vectors, so lower it for very large images." };
    public readonly Option<int?> Tile = new("--tile") { Description = "Compute the loss in tiles of at most N px (exact: the same gradient as the whole image) wherever the image is larger; default: only where the whole image would not fit --max-memory." };
    public readonly Option<string?> MaxMemory = new("--max-memory") { Description = "Memory the run may use, e.g. 4GiB or 512MiB; tiles and the L-BFGS history are sized to it (default: what the machine has available)." };
    public readonly Option<string?> Checkpoint = new("--checkpoint") { Description = "Keep a checkpoint of the run in this file (every --checkpoint-every steps, and when interrupted); 'neural-style resume FILE' continues it." };
    public readonly Option<int?> CheckpointEvery = new("--checkpoint-every") { Description = $"Steps between checkpoints (default {SessionLoop.DefaultCheckpointEvery}; 0 = only when interrupted). Needs --checkpoint." };
    public readonly Option<string?> LogJson = new("--log-json") { Description = "Write one JSON object per step (step, content, style, tv, total, seconds)." };

    public StylizeOptions()
    {
        // STYLE takes any number of values, so System.CommandLine hands it unknown options too; refuse
        // those as it would for a single STYLE, rather than reading "--typo" as a painting's file name.
        Style.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-') && t.Value.Length > 1))
                result.AddError($"Unrecognized command or argument '{token.Value}'.");
        });
    }

    public void AddTo(Command command)
    {
        command.Arguments.Add(Content);
        command.Arguments.Add(Style);
        command.Options.Add(Output);
        command.Options.Add(StyleBlend);
        AddLookTo(command);
        foreach (var option in new Option[] { SaveEvery, MaskPairs, ContentMask, ContactSheet, PlotLosses, LogJson, Checkpoint, CheckpointEvery })
            command.Options.Add(option);
    }

    /// <summary>The options that decide how one picture is made (no inputs, no outputs): what <c>batch</c> and
    /// <c>video</c> take from stylize.</summary>
    public IReadOnlyList<Option> LookOptions =>
    [
        Preset, Size, StyleScale, Iterations, Optimizer, LearningRate, ContentWeight, StyleWeight, TvWeight, StyleLayers, ContentLayer,
        Pooling, Init, Seed, Model, Weights, Threads, ActivationSmoothing, Precision, Scales, ScaleIterations, LbfgsHistory, Tile, MaxMemory,
        PreserveColor, StyleLoss, StyleTrim, StyleUpscale, StyleOctaves, ContentOctave, ContentMaskWeight, Ema,
    ];

    public void AddLookTo(Command command)
    {
        foreach (var option in LookOptions) command.Options.Add(option);
    }

    /// <summary>The options as overrides of the preset, resolved and validated by the library
    /// (<see cref="SettingsResolver"/>); its errors name settings, which <see cref="SettingFlags"/> turns into these flags.</summary>
    /// <param name="notice">Receives a one-line notice when --model auto falls back to the bundled VGG19 layers.</param>
    public StyleTransferSettings ToSettings(ParseResult parsed, Action<string> notice)
    {
        var scaleIterations = parsed.GetValue(ScaleIterations) is { } steps ? NumberList.Counts("--scale-iterations", steps) : null;
        var overrides = new SettingOverrides
        {
            Preset = parsed.GetValue(Preset)!,
            Model = ModelSpec.Parse(parsed.GetValue(Model) ?? "auto"),
            WeightsPath = parsed.GetValue(Weights),
            Size = parsed.GetValue(Size),
            StyleScales = parsed.GetValue(StyleScale) is { } scales ? NumberList.Parse("--style-scale", scales) : null,
            Iterations = parsed.GetValue(Iterations),
            Optimizer = parsed.GetValue(Optimizer) is { } o ? ParseOptimizer(o) : null,
            LearningRate = parsed.GetValue(LearningRate),
            ContentWeight = parsed.GetValue(ContentWeight),
            StyleWeight = parsed.GetValue(StyleWeight),
            TvWeight = parsed.GetValue(TvWeight),
            StyleLayers = parsed.GetValue(StyleLayers) is { } layers ? LayerWeights.Parse(layers) : null,
            ContentLayer = parsed.GetValue(ContentLayer),
            Pooling = parsed.GetValue(Pooling) is { } p ? ParsePooling(p) : null,
            Init = parsed.GetValue(Init) is { } init ? InitialImage.Parse(init) : null,
            Seed = parsed.GetValue(Seed),
            SaveEvery = parsed.GetValue(SaveEvery),
            Threads = parsed.GetValue(Threads),
            LbfgsHistory = parsed.GetValue(LbfgsHistory),
            Scales = parsed.GetValue(Scales) is { } scaleText ? ParseScales(scaleText) : null,
            ScaleIterations = scaleIterations,
            ActivationSmoothing = parsed.GetValue(ActivationSmoothing),
            StyleLoss = parsed.GetValue(StyleLoss) is { } loss ? ParseStyleLoss(loss) : null,
            EmaDecay = parsed.GetValue(Ema),
            StyleTrim = parsed.GetValue(StyleTrim),
            StyleUpscale = parsed.GetValue(StyleUpscale),
            StyleOctaves = parsed.GetValue(StyleOctaves),
            ContentOctave = parsed.GetValue(ContentOctave),
            ContentMaskGain = parsed.GetValue(ContentMaskWeight),
            MaskPairs = parsed.GetValue(MaskPairs) is { Length: > 0 } pairs ? pairs.Select(MaskPair.Parse).ToList() : null,
            PreserveColor = parsed.GetValue(PreserveColor) is { } color ? ParseColor(color) : null,
            Precision = parsed.GetValue(Precision) is { } precision ? PrecisionChoice.Parse(precision) : null,
            TileSize = parsed.GetValue(Tile),
            MaxMemoryBytes = parsed.GetValue(MaxMemory) is { } memory
                ? MemorySize.TryParse(memory) ?? throw new SettingException(nameof(StyleTransferSettings.MaxMemoryBytes), $"'{memory}' is not a size (e.g. 4GiB, 512MiB)")
                : null,
        };
        return SettingsResolver.Resolve(overrides, StyleCount(parsed), notice);
    }

    private int StyleCount(ParseResult parsed) => parsed.GetValue(Style)?.Length ?? 1;

    /// <summary>The <c>--style-blend</c> weights, one per style image (null = equal weights); the library normalises them.</summary>
    public IReadOnlyList<double>? BlendWeights(ParseResult parsed)
    {
        if (parsed.GetValue(StyleBlend) is not { } text) return null;
        var weights = NumberList.Parse("--style-blend", text);
        if (weights.Count != StyleCount(parsed))
            throw new NeuralStyleException($"--style-blend: {weights.Count} weights for {StyleCount(parsed)} style images");
        if (weights.Any(w => w < 0) || !(weights.Sum() > 0))
            throw new NeuralStyleException("--style-blend: weights must be ≥ 0 and not all 0");
        return weights;
    }

    private static int ParseScales(string text) =>
        text.Equals("auto", StringComparison.OrdinalIgnoreCase) ? ScalePyramid.Automatic
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n != ScalePyramid.Automatic ? n
        : throw new NeuralStyleException($"--scales must be auto or between 1 and {ScalePyramid.MaximumScales}, not '{text}'");

    internal static OptimizerKind ParseOptimizer(string text) => text.ToLowerInvariant() switch
    {
        "lbfgs" or "l-bfgs" => OptimizerKind.Lbfgs,
        "adam" => OptimizerKind.Adam,
        _ => throw new NeuralStyleException($"--optimizer must be lbfgs or adam, not '{text}'"),
    };

    private static StyleLossKind ParseStyleLoss(string text) => text.ToLowerInvariant() switch
    {
        "gram" => StyleLossKind.Gram,
        "mean-cov" => StyleLossKind.MeanCov,
        "wasserstein" => StyleLossKind.Wasserstein,
        _ => throw new NeuralStyleException($"--style-loss must be gram, mean-cov or wasserstein, not '{text}'"),
    };

    private static ColorPreservation ParseColor(string text) => text.ToLowerInvariant() switch
    {
        "none" => ColorPreservation.None,
        "luminance" => ColorPreservation.Luminance,
        "histogram" => ColorPreservation.Histogram,
        _ => throw new NeuralStyleException($"--preserve-color must be none, luminance or histogram, not '{text}'"),
    };

    private static PoolingKind ParsePooling(string text) => text.ToLowerInvariant() switch
    {
        "max" => PoolingKind.Max,
        "avg" or "average" => PoolingKind.Average,
        _ => throw new NeuralStyleException($"--pooling must be max or avg, not '{text}'"),
    };

    public static string Describe(StyleTransferSettings s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Model} in {PrecisionChoice.Describe(s.Precision)}, {s.Size} px, {Steps(s)} × {s.Optimizer.ToString().ToLowerInvariant()} (lr {s.LearningRate}), " +
        $"α={s.ContentWeight} β={s.StyleWeight} tv={s.TvWeight}, style {LayerWeights.Format(s.StyleLayers)}, content {s.ContentLayer}{Paintings(s)}");

    /// <summary>How paintings are sized, when not simply at the scale's size: ", paintings ×2 never enlarged".</summary>
    private static string Paintings(StyleTransferSettings s)
    {
        var scale = s.StyleScales is { } scales ? string.Join(",", scales.Select(x => x.ToString(CultureInfo.InvariantCulture)))
            : s.StyleScale != 1 ? s.StyleScale.ToString(CultureInfo.InvariantCulture) : null;
        if (scale is null && s.StyleUpscale) return "";
        return ", paintings" + (scale is null ? "" : $" ×{scale}") + (s.StyleUpscale ? "" : " never enlarged");
    }

    /// <summary>"300", or per scale "200@128 + 300@256" for coarse-to-fine.</summary>
    private static string Steps(StyleTransferSettings s)
    {
        var plan = ScalePyramid.Plan(s);
        return plan.Count == 1
            ? plan[0].Iterations.ToString(CultureInfo.InvariantCulture)
            : string.Join(" + ", plan.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Iterations}@{p.Side}")));
    }
}
