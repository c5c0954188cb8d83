using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Video;

/// <summary>How a frame relates to the one before it: the backward flow (from this frame into the previous one) and
/// the consistency mask, both computed on the original frames. Owns its tensors.</summary>
public sealed class FrameMotion : IDisposable
{
    private FrameMotion(Tensor backward, Tensor mask)
    {
        Backward = backward;
        Mask = mask;
    }

    /// <summary>[1,2,H,W]: where each pixel of this frame was in the previous one (offsets in pixels).</summary>
    public Tensor Backward { get; }

    /// <summary>[1,1,H,W], 1 where the flow can be trusted (see <see cref="ConsistencyMask"/>).</summary>
    public Tensor Mask { get; }

    public static FrameMotion Between(RgbFrame previous, RgbFrame current)
    {
        using var scope = torch.NewDisposeScope();
        var forward = OpticalFlow.Between(previous, current);
        var backward = OpticalFlow.Between(current, previous);
        var mask = ConsistencyMask.Compute(forward, backward);
        return new FrameMotion(backward.DetachFromDisposeScope(), mask.DetachFromDisposeScope());
    }

    /// <summary>An image of the previous frame (e.g. its stylised version) moved into this frame: a new tensor.</summary>
    public Tensor WarpPrevious(Tensor previous) => Warp.Sample(previous, Backward);

    /// <summary>Share of pixels whose flow can be trusted.</summary>
    public double ReliableShare
    {
        get
        {
            using var mean = Mask.mean();
            return mean.item<float>();
        }
    }

    public void Dispose()
    {
        Backward.Dispose();
        Mask.Dispose();
    }
}
