using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Video;

/// <summary>Backward warping: the image a flow field samples, bilinearly (torch's grid_sample, so it runs on
/// the stylised frames where they already are, as tensors).</summary>
public static class Warp
{
    /// <summary>out(x) = image(x + flow(x)) for an image [1,C,H,W] and a flow [1,2,H,W] in pixels. Points outside the
    /// image take the nearest border pixel (the consistency mask marks them unreliable anyway). A new tensor.</summary>
    public static Tensor Sample(Tensor image, Tensor flow)
    {
        using var scope = torch.NewDisposeScope();
        var height = image.shape[2];
        var width = image.shape[3];
        var (xs, ys) = Grid(height, width, image.dtype);
        // grid_sample wants positions in [-1, 1] with −1 and 1 the centres of the corner pixels (align_corners).
        var x = (xs + flow[0, 0]).mul_(2.0 / Math.Max(1, width - 1)).sub_(1);
        var y = (ys + flow[0, 1]).mul_(2.0 / Math.Max(1, height - 1)).sub_(1);
        var grid = torch.stack([x, y], dim: -1).unsqueeze(0);
        return nn.functional.grid_sample(image, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: true)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Each pixel's column and row, [H,W] each.</summary>
    internal static (Tensor X, Tensor Y) Grid(long height, long width, ScalarType dtype)
    {
        var rows = torch.arange(height, dtype: dtype);
        var columns = torch.arange(width, dtype: dtype);
        var mesh = torch.meshgrid([rows, columns], indexing: "ij");
        return (mesh[1], mesh[0]);
    }
}
