using System.Globalization;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Server.Jobs;

/// <summary>
/// The look a job asks for, as the page's form and the HTTP API name it: a small, safe subset of the
/// <c>stylize</c> options. Stored with the job (JSON) so a worker on another machine runs exactly this, and
/// the gallery's "again with changes" can fill the form from it.
/// </summary>
public sealed record JobRequest
{
    /// <summary>A name from <see cref="Presets.Names"/>.</summary>
    public string Preset { get; init; } = "gatys";
    /// <summary>auto, vgg19-conv3, resnet18 or vgg19 (only where its weights are cached on the worker).</summary>
    public string Model { get; init; } = "auto";
    /// <summary>Longest side of the result in pixels.</summary>
    public int Size { get; init; } = 512;
    /// <summary>Style strength: the preset's style weight β times this (1 = the preset's look).</summary>
    public double Strength { get; init; } = 1;
    /// <summary>Total steps over all scales; null = the preset's schedule.</summary>
    public int? Iterations { get; init; }
    /// <summary>none, luminance or histogram.</summary>
    public string PreserveColor { get; init; } = "none";
    /// <summary>One weight per painting (normalised); null = equal.</summary>
    public IReadOnlyList<double>? StyleBlend { get; init; }
    public long Seed { get; init; }

    /// <summary>The models a job may name (a path to an ONNX file is not offered: no request names a file).</summary>
    public static readonly IReadOnlyList<string> Models = ["auto", "vgg19-conv3", "resnet18", "vgg19"];

    public static readonly IReadOnlyList<string> ColorModes = ["none", "luminance", "histogram"];

    /// <summary>The settings this request resolves to (through the one <see cref="SettingsResolver"/>), checked
    /// against the service's limits; errors are <see cref="NeuralStyleException"/>s with one line for the user.</summary>
    public StyleTransferSettings Resolve(int paintings, ServiceLimits limits, int threads = 0)
    {
        if (!Presets.Names.Contains(Preset)) throw new NeuralStyleException($"unknown preset '{Preset}' (choose {string.Join(", ", Presets.Names)})");
        if (!Models.Contains(Model)) throw new NeuralStyleException($"unknown model '{Model}' (choose {string.Join(", ", Models)})");
        if (Size < 16 || Size > limits.MaxOutputSide)
            throw new NeuralStyleException($"size must be between 16 and {limits.MaxOutputSide} pixels (this server's limit)");
        if (!(Strength is >= 0.01 and <= 100)) throw new NeuralStyleException("strength must be between 0.01 and 100");
        if (Iterations is < 1 || Iterations > limits.MaxIterations)
            throw new NeuralStyleException($"iterations must be between 1 and {limits.MaxIterations} (this server's limit)");
        var color = PreserveColor switch
        {
            "none" => ColorPreservation.None,
            "luminance" => ColorPreservation.Luminance,
            "histogram" => ColorPreservation.Histogram,
            _ => throw new NeuralStyleException($"unknown colour preservation '{PreserveColor}' (choose none, luminance or histogram)"),
        };
        if (StyleBlend is not null && StyleBlend.Count != paintings)
            throw new NeuralStyleException($"style blend has {StyleBlend.Count} weights for {paintings} paintings");
        var model = ModelSpec.Parse(Model);
        var preset = Presets.ForModel(Presets.Get(Preset), Preset, model.Family == ModelFamily.Auto ? ModelSpec.Vgg19Conv3 : model);
        var overrides = new SettingOverrides
        {
            Preset = Preset,
            Model = model,
            Size = Size,
            StyleWeight = preset.StyleWeight * Strength,
            Iterations = Iterations,
            // Asked-for steps replace the preset's per-scale schedule: spread them over its scales, coarse ones first.
            ScaleIterations = Iterations is { } total && preset.ScaleIterations is { Count: > 0 } schedule ? Spread(total, schedule) : null,
            PreserveColor = color,
            Seed = Seed,
            Threads = threads,
        };
        return SettingsResolver.Resolve(overrides, paintings);
    }

    /// <summary><paramref name="total"/> steps in the proportions of a preset's <paramref name="schedule"/>.</summary>
    internal static IReadOnlyList<int> Spread(int total, IReadOnlyList<int> schedule)
    {
        var sum = schedule.Sum();
        var steps = schedule.Select(s => (int)Math.Floor((double)total * s / sum)).ToArray();
        steps[^1] += total - steps.Sum(); // what rounding left goes to the finest scale
        return steps;
    }

    /// <summary>One line for the gallery: "gatys · auto · 512 px · strength 1 · 300 steps".</summary>
    public string Describe() =>
        string.Join(" · ", new[]
        {
            Preset, Model, $"{Size} px", $"strength {Strength.ToString("0.##", CultureInfo.InvariantCulture)}",
            Iterations is { } n ? $"{n} steps" : "preset steps", PreserveColor == "none" ? "" : $"colour {PreserveColor}",
        }.Where(s => s.Length > 0));
}
