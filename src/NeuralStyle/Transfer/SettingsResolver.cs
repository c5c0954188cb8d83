using NeuralStyle.Losses;
using NeuralStyle.Networks;

namespace NeuralStyle.Transfer;

/// <summary>What a caller asks for on top of a preset: every field null (or the default) keeps the preset's value.
/// Errors about these values name the <see cref="StyleTransferSettings"/> property (<see cref="SettingException"/>).</summary>
public sealed record SettingOverrides
{
    /// <summary>A name from <see cref="Presets.Names"/>.</summary>
    public string Preset { get; init; } = "gatys";
    /// <summary>The loss network; null = auto (the full VGG19 if its weights are at hand, else the bundled layers).</summary>
    public ModelSpec? Model { get; init; }
    public string? WeightsPath { get; init; }
    public int? Size { get; init; }
    /// <summary>One value for every painting, or one per painting.</summary>
    public IReadOnlyList<double>? StyleScales { get; init; }
    public int? Iterations { get; init; }
    public OptimizerKind? Optimizer { get; init; }
    public double? LearningRate { get; init; }
    public double? ContentWeight { get; init; }
    public double? StyleWeight { get; init; }
    public double? TvWeight { get; init; }
    public IReadOnlyList<LayerWeight>? StyleLayers { get; init; }
    public string? ContentLayer { get; init; }
    public PoolingKind? Pooling { get; init; }
    public InitialImage? Init { get; init; }
    public long? Seed { get; init; }
    public int? SaveEvery { get; init; }
    public int? Threads { get; init; }
    public int? LbfgsHistory { get; init; }
    /// <summary>Coarse-to-fine scales (<see cref="ScalePyramid.Automatic"/> = as many as the size allows).</summary>
    public int? Scales { get; init; }
    public IReadOnlyList<int>? ScaleIterations { get; init; }
    public bool? ActivationSmoothing { get; init; }
    public StyleLossKind? StyleLoss { get; init; }
    public double? EmaDecay { get; init; }
    public double? StyleTrim { get; init; }
    public bool? StyleUpscale { get; init; }
    public int? StyleOctaves { get; init; }
    public int? ContentOctave { get; init; }
    public double? ContentMaskGain { get; init; }
    public IReadOnlyList<MaskPair>? MaskPairs { get; init; }
    public ColorPreservation? PreserveColor { get; init; }
    public Precision? Precision { get; init; }
    public int? TileSize { get; init; }
    public long? MaxMemoryBytes { get; init; }
}

/// <summary>
/// The one place settings are made: preset + model + overrides → validated <see cref="StyleTransferSettings"/>.
/// The policy that ties fields together lives here (a preset's learning rate belongs to its optimiser; a
/// preset's own scale schedule gives way when the scales or steps are asked for; a custom ONNX network needs
/// its layers named), so every front end resolves alike.
/// </summary>
public static class SettingsResolver
{
    /// <param name="styleCount">How many paintings the run has (a single style scale is repeated for each).</param>
    /// <param name="notice">Receives a one-line notice when the automatic model falls back to the bundled VGG19 layers.</param>
    public static StyleTransferSettings Resolve(SettingOverrides o, int styleCount = 1, Action<string>? notice = null)
    {
        var model = (o.Model ?? ModelSpec.Auto).Resolve(o.WeightsPath, null, out var fellBack);
        if (fellBack)
            notice?.Invoke($"no full VGG19 weights found, using the bundled VGG19 layers to conv3_4 ({model}); for the full network run 'neural-style models download vgg19' or pass --weights PATH");
        var preset = Presets.ForModel(Presets.Get(o.Preset), o.Preset, model);
        if (model.Family == ModelFamily.Onnx && (o.StyleLayers is null || o.ContentLayer is null)
            && Onnx.OnnxModelFile.Load(model.OnnxPath!) is not null) // a file that is no ONNX model is the first thing to say
            throw new SettingException("Model",
                $"{model} needs StyleLayers and ContentLayer (list its tensors with 'neural-style models inspect {model.OnnxPath}')");
        var optimizer = o.Optimizer ?? preset.Optimizer;
        var settings = preset with
        {
            Size = o.Size ?? preset.Size,
            // One value scales every painting (StyleScale); several give one per painting (StyleScales).
            StyleScale = o.StyleScales is [var only] ? only : preset.StyleScale,
            StyleScales = o.StyleScales is { Count: > 1 } scales ? PerStyle(scales, styleCount) : preset.StyleScales,
            Iterations = o.Iterations ?? preset.Iterations,
            Optimizer = optimizer,
            // A preset's learning rate belongs to its optimiser; switching optimiser switches default.
            LearningRate = o.LearningRate
                ?? (optimizer == preset.Optimizer ? preset.LearningRate : Presets.DefaultLearningRate(optimizer, preset.Space)),
            ContentWeight = o.ContentWeight ?? preset.ContentWeight,
            StyleWeight = o.StyleWeight ?? preset.StyleWeight,
            TvWeight = o.TvWeight ?? preset.TvWeight,
            StyleLayers = o.StyleLayers ?? preset.StyleLayers,
            ContentLayer = o.ContentLayer ?? preset.ContentLayer,
            Pooling = o.Pooling ?? preset.Pooling,
            Init = o.Init ?? preset.Init,
            Seed = o.Seed ?? preset.Seed,
            SaveEvery = o.SaveEvery ?? preset.SaveEvery,
            WeightsPath = o.WeightsPath ?? preset.WeightsPath,
            Threads = o.Threads ?? preset.Threads,
            LbfgsHistory = o.LbfgsHistory ?? preset.LbfgsHistory,
            Scales = o.Scales ?? o.ScaleIterations?.Count ?? preset.Scales,
            // A preset's own schedule gives way when the scales or the steps ask for something else.
            ScaleIterations = o.ScaleIterations ?? (o.Scales is null && o.Iterations is null ? preset.ScaleIterations : null),
            ActivationSmoothing = o.ActivationSmoothing ?? preset.ActivationSmoothing,
            StyleLoss = o.StyleLoss ?? preset.StyleLoss,
            EmaDecay = o.EmaDecay ?? preset.EmaDecay,
            StyleTrim = o.StyleTrim ?? preset.StyleTrim,
            StyleUpscale = o.StyleUpscale ?? preset.StyleUpscale,
            StyleOctaves = o.StyleOctaves ?? preset.StyleOctaves,
            ContentOctave = o.ContentOctave ?? preset.ContentOctave,
            ContentMaskGain = o.ContentMaskGain ?? preset.ContentMaskGain,
            MaskPairs = o.MaskPairs ?? preset.MaskPairs,
            PreserveColor = o.PreserveColor ?? preset.PreserveColor,
            Precision = o.Precision ?? preset.Precision,
            TileSize = o.TileSize ?? preset.TileSize,
            MaxMemoryBytes = o.MaxMemoryBytes ?? preset.MaxMemoryBytes,
        };
        settings.Validate();
        return settings;
    }

    private static IReadOnlyList<double> PerStyle(IReadOnlyList<double> values, int styles)
    {
        if (values.Count != styles)
            throw new SettingException(nameof(StyleTransferSettings.StyleScales), $"has {values.Count} values for {styles} style images (give one, or one per style)");
        return values;
    }
}
