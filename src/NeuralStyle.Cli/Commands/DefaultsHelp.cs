using System.Globalization;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Cli.Commands;

/// <summary>
/// The defaults of <c>--size</c> and <c>--iterations</c> for the help text. They are not one number: they
/// come from the preset and the network (<see cref="Presets.ForModel"/>), so the text is made from the same
/// settings a run starts from and cannot drift from them.
/// </summary>
internal static class DefaultsHelp
{
    private static StyleTransferSettings Gatys(ModelSpec model) => Presets.ForModel(Presets.Gatys, "gatys", model);

    /// <summary>e.g. "(default: 512 with --preset gatys, 400 with seed; the default vgg19-conv3 gets there coarse-to-fine from size/8 …)".</summary>
    public static string Size
    {
        get
        {
            var conv3 = Gatys(ModelSpec.Vgg19Conv3);
            var sides = ScalePyramid.Plan(conv3).Select(p => p.Side.ToString(CultureInfo.InvariantCulture));
            return string.Create(CultureInfo.InvariantCulture,
                $"(default: {Presets.Gatys.Size} with --preset gatys, {Presets.Seed.Size} with seed; " +
                $"the default {ModelSpec.Vgg19Conv3} gets there coarse-to-fine from size/{1 << (conv3.Scales - 1)} (no scale under {ScalePyramid.MinimumSide} px), " +
                $"e.g. {string.Join("→", sides)})");
        }
    }

    /// <summary>e.g. "(default, from --preset gatys and the model: vgg19-conv3 300,200,100,40 per scale, coarsest first; vgg19/vgg16 500; …)".</summary>
    public static string Iterations
    {
        get
        {
            var conv3 = Gatys(ModelSpec.Vgg19Conv3);
            var schedule = conv3.ScaleIterations is { } steps
                ? string.Join(",", steps.Select(n => n.ToString(CultureInfo.InvariantCulture))) + " per scale, coarsest first"
                : conv3.Iterations.ToString(CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture,
                $"(default, from --preset gatys and the model: {ModelSpec.Vgg19Conv3} {schedule}; " +
                $"{ModelSpec.Vgg19}/{ModelSpec.Vgg16} {Gatys(ModelSpec.Vgg19).Iterations}; {ModelSpec.ResNet18} {Gatys(ModelSpec.ResNet18).Iterations} at the finest scale (⅔ of that at each coarser one, from 512 px up); " +
                $"--preset seed {Presets.Seed.Iterations}. Giving it replaces a per-scale schedule)");
        }
    }
}
