using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>
/// Total variation: penalises differences between neighbouring pixels, which suppresses the
/// high-frequency noise that gradient descent through a CNN tends to add.
/// </summary>
public static class TotalVariationLoss
{
    /// <summary>mean((x[i+1,j]−x[i,j])²) + mean((x[i,j+1]−x[i,j])²) over an [N,C,H,W] image in [0,1].
    /// Means, not sums, so the weight does not depend on the image size.</summary>
    public static Tensor Evaluate(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        var height = image.shape[^2];
        var width = image.shape[^1];
        // A side of one pixel has no neighbours along it: its term is 0 (the mean of no differences would be NaN, and a
        // strip-shaped photo's coarsest scale is one pixel high).
        var vertical = height > 1 ? (image.narrow(-2, 1, height - 1) - image.narrow(-2, 0, height - 1)).square().mean() : image.new_zeros([]);
        var horizontal = width > 1 ? (image.narrow(-1, 1, width - 1) - image.narrow(-1, 0, width - 1)).square().mean() : image.new_zeros([]);
        return (vertical + horizontal).MoveToOuterDisposeScope();
    }
}
