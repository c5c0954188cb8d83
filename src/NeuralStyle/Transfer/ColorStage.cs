using NeuralStyle.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// Applies <see cref="ColorPreservation"/> around a run: what the optimiser is given (grey images, or
/// recoloured paintings) and what the user gets back (the photo's chroma restored). Kept apart from the
/// runner so the optimisation loop knows nothing about colour.
/// </summary>
internal sealed class ColorStage(ColorPreservation mode, Tensor originalContent)
{
    /// <summary>The content the optimiser sees (luminance mode: the photo in grey). New tensor or the input itself.</summary>
    public Tensor Content(Tensor content) => mode == ColorPreservation.Luminance ? ColorTransfer.LuminanceAsGrey(content) : content;

    /// <summary>The paintings the targets are computed from. Tensors are created in the caller's dispose scope.</summary>
    public List<(Tensor Image, double Blend)> Styles(List<(Tensor Image, double Blend)> styles) => mode switch
    {
        ColorPreservation.Luminance => styles.Select(s => (ColorTransfer.MatchedLuminance(s.Image, originalContent), s.Blend)).ToList(),
        ColorPreservation.Histogram => styles.Select(s => (ColorTransfer.MatchColorStatistics(s.Image, originalContent), s.Blend)).ToList(),
        _ => styles,
    };

    /// <summary>A start image from a file, greyed like the content in luminance mode.</summary>
    public Tensor? Initial(Tensor? initial) =>
        mode == ColorPreservation.Luminance && initial is not null ? ColorTransfer.LuminanceAsGrey(initial) : initial;

    /// <summary>Intermediate images get the photo's colours back too.</summary>
    public Action<int, Tensor>? Snapshot(Action<int, Tensor>? snapshot)
    {
        if (mode != ColorPreservation.Luminance || snapshot is null) return snapshot;
        return (step, image) =>
        {
            using var coloured = ColorTransfer.RecombineChroma(image, originalContent);
            snapshot(step, coloured);
        };
    }

    /// <summary>An image as the user sees it (a new tensor, or <paramref name="image"/> itself, which is disposed if replaced).</summary>
    public Tensor Finish(Tensor image)
    {
        if (mode != ColorPreservation.Luminance) return image;
        using (image) return ColorTransfer.RecombineChroma(image, originalContent);
    }

    /// <summary>The result as the user sees it; the input result is disposed if replaced.</summary>
    public StyleTransferResult Finish(StyleTransferResult result)
    {
        if (mode != ColorPreservation.Luminance) return result;
        var coloured = ColorTransfer.RecombineChroma(result.Image, originalContent); // in the caller's scope, like the image it replaces
        result.Dispose();
        return result with { Image = coloured };
    }
}
