using System.Text.RegularExpressions;

namespace NeuralStyle.Cli;

/// <summary>The library names settings as <see cref="Transfer.StyleTransferSettings"/> does ("Size must be …");
/// a command-line user knows them by their flags. This is the one map between the two.</summary>
public static partial class SettingFlags
{
    private static readonly Dictionary<string, string> Flags = new()
    {
        ["Preset"] = "--preset", ["Model"] = "--model", ["WeightsPath"] = "--weights", ["Size"] = "--size",
        ["StyleScale"] = "--style-scale", ["StyleScales"] = "--style-scale", ["StyleBlend"] = "--style-blend",
        ["Iterations"] = "--iterations", ["Optimizer"] = "--optimizer", ["LearningRate"] = "--learning-rate",
        ["ContentWeight"] = "--content-weight", ["StyleWeight"] = "--style-weight", ["TvWeight"] = "--tv-weight", ["TemporalWeight"] = "--temporal-weight",
        ["StyleLayers"] = "--style-layers", ["ContentLayer"] = "--content-layer", ["Pooling"] = "--pooling", ["Init"] = "--init",
        ["Seed"] = "--seed", ["SaveEvery"] = "--save-every", ["Threads"] = "--threads", ["LbfgsHistory"] = "--lbfgs-history",
        ["Scales"] = "--scales", ["ScaleIterations"] = "--scale-iterations", ["ActivationSmoothing"] = "--activation-smoothing",
        ["StyleLoss"] = "--style-loss", ["EmaDecay"] = "--ema", ["StyleTrim"] = "--style-trim", ["StyleUpscale"] = "--style-upscale", ["StyleOctaves"] = "--style-octaves",
        ["ContentOctave"] = "--content-octave", ["ContentMaskGain"] = "--content-mask-weight", ["MaskPairs"] = "--mask-pairs", ["PreserveColor"] = "--preserve-color",
        ["Precision"] = "--precision", ["TileSize"] = "--tile", ["MaxMemoryBytes"] = "--max-memory",
    };

    [GeneratedRegex(@"\b[A-Z][A-Za-z]+\b")]
    private static partial Regex Word();

    /// <summary>The flag for a setting (the setting's own name if it has none).</summary>
    public static string For(string setting) => Flags.GetValueOrDefault(setting, setting);

    /// <summary>A <see cref="SettingException"/>'s message with every setting named by its flag.</summary>
    public static string Rewrite(SettingException e) => For(e.Setting) + " " + Word().Replace(e.Detail, m => Flags.GetValueOrDefault(m.Value, m.Value));
}
