using NeuralStyle.Imaging;
using NeuralStyle.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Video;

/// <summary>Optical flow, the consistency mask and warping on a known motion: two crops of a photo 3 px apart, so the
/// content moves 3 px to the right and a 3 px strip enters on the left.</summary>
public class FlowAndMaskTests
{
    private const int Shift = 3;

    /// <summary>Frame 1 is the photo from column 10, frame 2 from column 10 − Shift: frame2(x) = frame1(x − Shift).</summary>
    private static (RgbFrame First, RgbFrame Second) ShiftedPair()
    {
        using var scope = torch.NewDisposeScope();
        var photo = ImageLoader.Load(VideoClips.Chelsea, 160, 106);
        var first = photo.narrow(3, 10, 128).narrow(2, 5, 96);
        var second = photo.narrow(3, 10 - Shift, 128).narrow(2, 5, 96);
        return (RgbFrame.FromTensor(first), RgbFrame.FromTensor(second));
    }

    [Fact]
    public void AKnownShiftGivesThatFlowAndAMaskOpenOnlyWhereContentCameFromTheFrame()
    {
        using var scope = torch.NewDisposeScope();
        var (first, second) = ShiftedPair();
        using var motion = FrameMotion.Between(first, second);
        // Each pixel of frame 2 was Shift px to its left in frame 1. Away from the borders the flow is that shift.
        var interior = motion.Backward.narrow(2, 10, 76).narrow(3, 10, 108);
        Assert.InRange(interior[0, 0].median().item<float>(), -Shift - 0.25, -Shift + 0.25);
        Assert.InRange(interior[0, 1].median().item<float>(), -0.25, 0.25);
        Assert.True(interior[0, 0].add(Shift).abs().mean().item<float>() < 0.3, "the flow is the shift almost everywhere");

        // Content that entered on the left has no source in frame 1: mask 0 there; inside it is reliable.
        var mask = motion.Mask[0, 0];
        Assert.Equal(0, mask.narrow(1, 0, Shift - 1).sum().item<float>());
        Assert.True(mask.narrow(0, 8, 80).narrow(1, 12, 104).mean().item<float>() > 0.95, "the mask is 1 inside");
    }

    [Fact]
    public void WarpingFrameOneByTheFlowGivesFrameTwo()
    {
        using var scope = torch.NewDisposeScope();
        var (first, second) = ShiftedPair();
        using var motion = FrameMotion.Between(first, second);
        var warped = motion.WarpPrevious(first.ToTensor());
        var error = (warped - second.ToTensor()).abs().mul(motion.Mask).sum() / (motion.Mask.sum() * 3);
        Assert.True(error.item<float>() < 0.02, $"mean error inside the mask {error.item<float>():F4}");
    }

    [Fact]
    public void AWholePixelFlowWarpsExactly()
    {
        using var scope = torch.NewDisposeScope();
        var image = torch.rand(1, 3, 20, 30);
        var flow = torch.zeros(1, 2, 20, 30);
        flow[0, 0] = torch.tensor(-2f);
        flow[0, 1] = torch.tensor(1f);
        var warped = Warp.Sample(image, flow);
        // out(y, x) = image(y + 1, x − 2) wherever that lies inside.
        var difference = (image.narrow(2, 1, 19).narrow(3, 0, 28) - warped.narrow(2, 0, 19).narrow(3, 2, 28)).abs().max();
        Assert.True(difference.item<float>() < 1e-5, $"largest difference {difference.item<float>()}");
    }
}
