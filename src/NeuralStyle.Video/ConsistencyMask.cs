using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Video;

/// <summary>
/// Where the flow into a frame can be trusted (Ruder et al. 2016, section 3.1), from the backward flow b (this frame
/// to the previous one) and the forward flow f (previous to this). A pixel is unreliable, 0, when
/// <list type="bullet">
/// <item>it was disoccluded: going back and then forward does not return, |f̃ + b|² > 0.01·(|f̃|² + |b|²) + 0.5
/// with f̃(x) = f(x + b(x)), the forward flow warped into this frame;</item>
/// <item>it lies on a motion boundary: |∇b_x|² + |∇b_y|² > 0.01·|b|² + 0.002;</item>
/// <item>it came from outside the previous frame (x + b(x) is off the frame: content that entered).</item>
/// </list>
/// and 1 otherwise.
/// </summary>
public static class ConsistencyMask
{
    /// <returns>[1,1,H,W] of 0 and 1 (float), a new tensor.</returns>
    public static Tensor Compute(Tensor forward, Tensor backward)
    {
        using var scope = torch.NewDisposeScope();
        var forwardHere = Warp.Sample(forward, backward);
        var roundTrip = (forwardHere + backward).square().sum(1, keepdim: true);
        var lengths = forwardHere.square().sum(1, keepdim: true) + backward.square().sum(1, keepdim: true);
        var disoccluded = roundTrip > lengths.mul(0.01).add(0.5);

        var (dx, dy) = Gradients(backward);
        var variation = (dx.square() + dy.square()).sum(1, keepdim: true);
        var boundary = variation > backward.square().sum(1, keepdim: true).mul(0.01).add(0.002);

        var height = backward.shape[2];
        var width = backward.shape[3];
        var (xs, ys) = Warp.Grid(height, width, backward.dtype);
        var x = xs + backward[0, 0];
        var y = ys + backward[0, 1];
        var outside = ((x < 0) | (x > width - 1) | (y < 0) | (y > height - 1)).unsqueeze(0).unsqueeze(0);

        var unreliable = disoccluded | boundary | outside;
        return unreliable.logical_not().to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Central differences along x and y of every channel ([1,C,H,W] each; one-sided at the borders).</summary>
    private static (Tensor Dx, Tensor Dy) Gradients(Tensor field)
    {
        var padded = nn.functional.pad(field, [1, 1, 1, 1], PaddingModes.Replicate);
        var height = field.shape[2];
        var width = field.shape[3];
        var dx = (padded.narrow(3, 2, width) - padded.narrow(3, 0, width)).narrow(2, 1, height).div(2);
        var dy = (padded.narrow(2, 2, height) - padded.narrow(2, 0, height)).narrow(3, 1, width).div(2);
        return (dx, dy);
    }
}
