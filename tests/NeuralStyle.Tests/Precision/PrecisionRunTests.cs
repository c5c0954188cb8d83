using NeuralStyle.Imaging;
using NeuralStyle.Reports;
using NeuralStyle.Networks;
using NeuralStyle.Tests.Support;
using NeuralStyle.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Precision;

/// <summary>
/// Small real runs in bf16 make nearly as good a picture as fp32. Both results are scored by the same
/// fp32 network: a bf16 run's own loss values come from rounded features (2–7 % off on the very same
/// image), so comparing them with fp32's would measure the rounding, not the picture.
/// </summary>
/// <remarks>
/// Measured gaps (fp32-scored, bf16 result vs fp32 result) on an AMD EPYC with AVX512-BF16 (native):
/// VGG −1.1 %, ResNet18 +8.4 % (15 steps, so noisy); on an AVX2-only EPYC, where libtorch emulates bf16
/// with other rounding, ResNet18 at 128 px ended +5.2 % (README). The bound of 20 % leaves room for both
/// kinds, while a broken bf16 path fails it by far (no descent scores ~15× the fp32 result here).
/// </remarks>
public class PrecisionRunTests
{
    private const double AllowedGap = 0.20;

    [SkippableFact]
    public void VggBf16RunMatchesFp32OnRealWeights()
    {
        var settings = Presets.Gatys with
        {
            Size = 48, Iterations = 40, StyleLayers = LayerWeights.Parse("relu1_1,relu2_1,relu3_1"), ContentLayer = "relu3_2",
            Threads = 2, Model = ModelSpec.Vgg19, WeightsPath = SharedFiles.Fixture("vgg19-partial-conv3_4.pth"),
        };
        CompareRuns(settings, SharedFiles.Image("tubingen.jpg"), SharedFiles.Image("starry_night.jpg"));
    }

    [Fact]
    public void ResNet18Bf16RunMatchesFp32()
    {
        var examples = Path.Combine(SharedFiles.RepoRoot, "examples");
        var settings = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Parse("resnet18")) with
        {
            // 128 px, not 64: at 64×43 the 32-px reflected margin makes the network input 128×128, mostly mirror.
            Size = 128, Iterations = 15, Threads = 2,
        };
        CompareRuns(settings, Path.Combine(examples, "chelsea.png"), Path.Combine(examples, "starry_night.jpg"));
    }

    private static void CompareRuns(StyleTransferSettings settings, string contentPath, string stylePath)
    {
        using var scope = torch.NewDisposeScope();
        settings = settings with { Scales = 1, ScaleIterations = null };
        using var fp32 = FeatureNetworks.Create(settings.Model, settings.WeightsPath, settings.UsedLayers, settings.Pooling, NeuralStyle.Networks.Precision.Fp32);
        using var bf16 = FeatureNetworks.Create(settings.Model, settings.WeightsPath, settings.UsedLayers, settings.Pooling, NeuralStyle.Networks.Precision.Bf16);
        // The networks take any size (FeatureNetworks pads to their stride), so the photo keeps its proportions.
        var size = ImageLoader.ReadSize(contentPath).WithLongestSide(settings.Size);
        var content = ImageLoader.Load(contentPath, size.Width, size.Height);
        var style = ImageLoader.Load(stylePath, size.Width, size.Height);

        var fp32Run = new LossHistory();
        using var fp32Result = StyleTransferSession.Stylize(settings, Inputs(content, style), fp32Run, network: fp32);
        var bf16Run = new LossHistory();
        using var bf16Result = StyleTransferSession.Stylize(settings, Inputs(content, style), bf16Run, network: bf16);

        var start = fp32Run.Reports[0].Terms.Total;
        var fp32Final = Score(fp32, settings, content, style, fp32Result.Image);
        var bf16Final = Score(fp32, settings, content, style, bf16Result.Image);
        Assert.Equal(settings.Iterations, bf16Run.Reports.Count);
        Assert.True(bf16Final < 0.8 * start, $"bf16 result scores {bf16Final} in fp32, hardly below the start's {start}");
        var gap = (bf16Final - fp32Final) / fp32Final;
        Assert.True(gap < AllowedGap, $"bf16 result scores {gap:P1} worse than fp32's in fp32 ({bf16Final} vs {fp32Final})");
    }

    private static StyleTransferInputs Inputs(Tensor content, Tensor style, Tensor? init = null) =>
        new(ImageSource.FromTensor(content), [ImageSource.FromTensor(style)], init: init is null ? null : ImageSource.FromTensor(init));

    /// <summary>The fp32 loss of an image: the first report of a one-step run that starts from it.</summary>
    private static double Score(IFeatureNetwork network, StyleTransferSettings settings, Tensor content, Tensor style, Tensor image)
    {
        var history = new LossHistory();
        var scoring = settings with { Iterations = 1 };
        using (StyleTransferSession.Stylize(scoring, Inputs(content, style, image), history, network: network)) { }
        return history.Reports[0].Terms.Total;
    }
}
