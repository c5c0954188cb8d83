using NeuralStyle.Imaging;
using NeuralStyle.Losses;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Video;

/// <summary>The temporal loss of the core library: its value and gradient, and how a session uses it.</summary>
public class TemporalLossTests
{
    [Fact]
    public void TheGradientIsTwoCTimesTheMaskedDifferenceOverN()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.rand(1, 3, 7, 9, dtype: ScalarType.Float64).to(ScalarType.Float32);
        var mask = (torch.rand(1, 1, 7, 9) > 0.3).to(ScalarType.Float32);
        const double weight = 50;
        using var loss = new TemporalLoss(target, mask, weight);
        var x = torch.rand(1, 3, 7, 9).requires_grad_(true);
        var value = loss.Evaluate(x);
        value.backward();
        var n = 3 * 7 * 9;
        var expected = (x.detach() - target).mul(mask).mul(2 * weight / n);
        Assert.True((x.grad! - expected).abs().max().item<float>() < 1e-6);
        var direct = (x.detach() - target).square().mul(mask).sum().item<float>() * weight / n;
        Assert.Equal(direct, value.item<float>(), 4);
    }

    [Fact]
    public void AFiniteDifferenceAgreesWithTheGradient()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.rand(1, 3, 5, 6, dtype: ScalarType.Float64);
        var mask = torch.rand(1, 1, 5, 6, dtype: ScalarType.Float64);
        using var loss = new TemporalLoss(target, mask, 10);
        var x = torch.rand(1, 3, 5, 6).requires_grad_(true);
        loss.Evaluate(x).backward();
        const float h = 1e-2f;
        var plus = x.detach().clone();
        var minus = x.detach().clone();
        plus[0, 1, 2, 3] += h;
        minus[0, 1, 2, 3] -= h;
        var numeric = (loss.Evaluate(plus) - loss.Evaluate(minus)).item<float>() / (2 * h);
        Assert.Equal(numeric, x.grad![0, 1, 2, 3].item<float>(), 3);
    }

    [Fact]
    public void ASessionWithAGuideReportsTheTermAndStaysNearTheTarget()
    {
        using var scope = torch.NewDisposeScope();
        var settings = SettingsResolver.Resolve(new SettingOverrides { Model = ModelSpec.ResNet18, Size = 64, Iterations = 15, Scales = 1 });
        var photo = ImageLoader.Load(VideoClips.Chelsea, 64, 43);
        var target = torch.full_like(photo, 0.5);
        var mask = torch.ones(1, 1, 43, 64);

        StyleTransferSession Session(double weight) => new(settings with { TemporalWeight = weight }, new StyleTransferInputs(
            ImageSource.FromTensor(photo), [ImageSource.FromFile(VideoClips.Starry)], temporal: new TemporalGuide(target, mask)));

        using var free = Session(0);
        using var held = Session(1e4);
        using var freeResult = free.Run();
        using var heldResult = held.Run();
        Assert.True(held.History[0].Terms.Temporal > 0, "the temporal term has its own entry in the breakdown");
        Assert.Equal(0, free.History[0].Terms.Temporal);
        var freeDistance = (freeResult.Image - target).abs().mean().item<float>();
        var heldDistance = (heldResult.Image - target).abs().mean().item<float>();
        Assert.True(heldDistance < freeDistance / 2, $"held {heldDistance:F3} vs free {freeDistance:F3}");

        // A video frame's session is not checkpointed (video keeps finished frames instead): a one-line error.
        var error = Assert.Throws<NeuralStyleException>(() => held.SaveCheckpoint(Path.Combine(Path.GetTempPath(), "never.nsckpt")));
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>The temporal term is a pixel-space term like total variation: a tiled run adds it on the whole image
    /// and gets the whole run's value and gradient (so the same next image).</summary>
    [Fact]
    public void TiledRunsComputeTheSameTemporalTerm()
    {
        using var scope = torch.NewDisposeScope();
        var settings = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Vgg19Conv3) with
        {
            Size = 128, Scales = 1, ScaleIterations = null, Iterations = 2, Threads = 1, Precision = NeuralStyle.Networks.Precision.Fp32,
            Optimizer = OptimizerKind.Adam, LearningRate = 0.02, TemporalWeight = 500,
        };
        var photo = ImageLoader.Load(VideoClips.Chelsea, 128, 85);
        var target = (photo + torch.rand(photo.shape, generator: new Generator(5)).sub_(0.5).mul_(0.2)).clamp_(0, 1);
        var mask = (torch.rand(1, 1, 85, 128, generator: new Generator(6)) > 0.2).to(ScalarType.Float32);

        (IterationReport First, Tensor Image) Run(int tile)
        {
            using var session = new StyleTransferSession(settings with { TileSize = tile }, new StyleTransferInputs(
                ImageSource.FromTensor(photo), [ImageSource.FromFile(VideoClips.Starry)], temporal: new TemporalGuide(target, mask)));
            using var result = session.Run();
            Assert.Equal(tile > 0, session.MemoryPlans[0].Tiles is not null);
            return (session.History[0], result.Image.clone().DetachFromDisposeScope());
        }

        var whole = Run(0);
        var tiled = Run(48);
        Assert.True(whole.First.Terms.Temporal > 0);
        Assert.Equal(whole.First.Terms.Temporal, tiled.First.Terms.Temporal, 5);
        Assert.True((whole.Image - tiled.Image).abs().max().item<float>() < 1e-3, "the tiled step moves the image as the whole one");
        whole.Image.Dispose();
        tiled.Image.Dispose();
    }
}
