using NeuralStyle.Imaging;
using NeuralStyle.Bench;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;
using TorchSharp;

namespace NeuralStyle.Tests.Transfer;

/// <summary>
/// Native memory must stay flat however long a run is: every tensor a step creates must be disposed
/// by the end of that step. TorchSharp counts live tensors per thread, so a run of many steps must
/// leave exactly as many alive as before it (its result disposed) — one leaked tensor per step would
/// show up as hundreds here.
/// </summary>
public class TensorLeakTests
{
    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void ARunLeavesNoTensorAlive(OptimizerKind optimizer) => RunLeavesNoTensorAlive(optimizer, SyntheticVgg.Network("relu3_2"), 24, 32);

    [Fact]
    public void ARunOnAReflectedMarginLeavesNoTensorAlive() =>
        // Sides that are not multiples of the stride (4) and a margin wider than the image's height: every
        // path of the padding (mirrored twice) and of the crop runs at each step.
        RunLeavesNoTensorAlive(OptimizerKind.Lbfgs, new BorderPaddedNetwork(SyntheticVgg.Network("relu3_2"), margin: 12, alignment: 4), 9, 30);

    private static void RunLeavesNoTensorAlive(OptimizerKind optimizer, IFeatureNetwork raw, int height, int width)
    {
        using var network = raw;
        using var content = torch.rand(1, 3, height, width);
        using var style = torch.rand(1, 3, height, width);
        var settings = Presets.Gatys with
        {
            Model = ModelSpec.Vgg19, Size = Math.Max(height, width), Iterations = 300, Optimizer = optimizer, TvWeight = 0.1,
            LearningRate = Presets.DefaultLearningRate(optimizer, Presets.Gatys.Space),
            StyleLayers = LayerWeights.Parse("relu1_1,relu2_1,relu3_1"), ContentLayer = "relu3_2",
        };

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var result = StyleTransferSession.Stylize(settings, new StyleTransferInputs(ImageSource.FromTensor(content), [ImageSource.FromTensor(style)]), network: network))
            Assert.Equal(300, result.StepsCompleted);
        var after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.True(after - before == 0, $"{after - before} tensors still alive after 300 steps ({DisposeScopeManager.Statistics})");
    }
}
