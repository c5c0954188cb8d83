using NeuralStyle.Networks;
using NeuralStyle.Tests.Support;
using NeuralStyle.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Controls;

/// <summary>Small in-process runs on the bundled ResNet18 and the repository's example images, so the
/// control tests need no download and no ../shared.</summary>
internal static class ControlRuns
{
    public static readonly string Examples = Path.Combine(SharedFiles.RepoRoot, "examples");
    public static readonly string Photo = Path.Combine(Examples, "chelsea.png");
    public static readonly string Starry = Path.Combine(Examples, "starry_night.jpg");
    public static readonly string Scream = Path.Combine(Examples, "scream.jpg");

    /// <summary>ResNet18's tuned preset at 64 px, one thread (so runs are bit-for-bit repeatable).</summary>
    public static StyleTransferSettings Small(int iterations = 15) =>
        Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.ResNet18) with { Size = 64, Iterations = iterations, Threads = 1, Seed = 3 };

    public static Tensor Run(StyleTransferSettings settings, IReadOnlyList<string> styles, IReadOnlyList<double>? blend = null,
        string? content = null)
    {
        var result = StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(content ?? Photo, styles, settings, blend));
        return result.Image;
    }

    /// <summary>Per-channel mean of an RGB image [1,3,H,W], as doubles.</summary>
    public static double[] ChannelMeans(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        return image.to(ScalarType.Float64).mean([0, 2, 3]).data<double>().ToArray();
    }
}
