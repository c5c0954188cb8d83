using NeuralStyle.Onnx;
using TorchSharp;
using Xunit.Abstractions;
using static NeuralStyle.Tests.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Onnx;

/// <summary>
/// Style transfer optimises the image through the loss network, so the executor's autograd gradient
/// w.r.t. the input must be the true derivative: checked against central finite differences, in
/// float64 (the executor widens its float32 weights to the input's precision).
/// </summary>
public class OnnxGradientTests(ITestOutputHelper output)
{
    [Fact]
    public void TinyGraphGradientMatchesFiniteDifferences()
    {
        // Every differentiable op family in one chain, with the asymmetric paddings of the CNTK export.
        var model = new OnnxGraphBuilder().Input("x", 1, 2, 7, 6)
            .RandomWeight("w", 1, 3, 2, 3, 3).RandomWeight("b", 2, 3)
            .RandomWeight("s", 3, 3).RandomWeight("o", 4, 3).RandomWeight("m", 5, 3).Weight("v", [0.5f, 1f, 2f], 3)
            .RandomWeight("g", 6, 4, 18).RandomWeight("gb", 7, 4)
            .Node("Conv", ["x", "w", "b"], "c", Ints("pads", 3, 1, 2, 1), Ints("strides", 1, 1))
            .Node("BatchNormalization", ["c", "s", "o", "m", "v"], "n")
            .Node("LeakyRelu", ["n"], "r", Float("alpha", 0.1f))
            .Node("LRN", ["r"], "l", Int("size", 3), Float("alpha", 0.5f))
            .Node("MaxPool", ["l"], "p", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 0, 0))
            .Node("AveragePool", ["p"], "a", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2), Ints("pads", 1, 0, 0, 1))
            .Node("Flatten", ["a"], "f")
            .Node("Gemm", ["f", "g", "gb"], "y", Int("transB", 1))
            .Output("y").Build();
        using var executor = new OnnxExecutor(model, "gradient graph");
        var (maxError, checkedCount) = CompareGradients(executor, "y", [1, 2, 7, 6], seed: 11, step: 1e-6, every: 1);
        output.WriteLine($"tiny graph: {checkedCount} input elements, max |autograd − finite difference| {maxError:G3}");
        Assert.True(maxError < 1e-7, $"max gradient error {maxError}");
    }

    [Fact]
    public void ResNet18GradientMatchesFiniteDifferences()
    {
        using var network = ResNet18Network.Create();
        using var raw = OnnxExecutor.Load(ResNet18Network.BundledPath);
        // layer2 at 32×32 in float64: cheap enough to difference a sample of input elements.
        var (maxError, checkedCount) = CompareGradients(raw, network.TensorFor("layer2"), [1, 3, 32, 32], seed: 5, step: 1e-4, every: 97, scale: 60);
        output.WriteLine($"resnet18 layer2: {checkedCount} input elements, max relative error {maxError:G3}");
        Assert.True(maxError < 1e-6, $"max gradient error {maxError}");
    }

    /// <summary>Scalar loss = Σ output ⊙ fixed random weights; compares ∂loss/∂x from autograd with
    /// (loss(x + h) − loss(x − h)) / 2h for every <paramref name="every"/>-th input element. Returns the
    /// largest error relative to max(1, |largest gradient|).</summary>
    private static (double MaxError, int Count) CompareGradients(OnnxExecutor executor, string tensor, long[] shape,
        int seed, double step, int every, float scale = 1)
    {
        using var scope = torch.NewDisposeScope();
        var count = (int)shape.Aggregate(1L, (p, d) => p * d);
        var x = torch.tensor(RandomValues(seed, count).Select(v => (double)v * scale).ToArray(), shape).requires_grad_(true);
        Tensor? probe = null;
        double Loss(Tensor input)
        {
            using var inner = torch.NewDisposeScope();
            var y = executor.Run(input, [tensor])[tensor];
            probe ??= torch.tensor(RandomValues(seed + 1, (int)y.numel()).Select(v => (double)v).ToArray(), y.shape).MoveToOuterDisposeScope();
            return y.mul(probe).sum().item<double>();
        }

        var output = executor.Run(x, [tensor])[tensor];
        probe = torch.tensor(RandomValues(seed + 1, (int)output.numel()).Select(v => (double)v).ToArray(), output.shape);
        output.mul(probe).sum().backward();
        var gradient = x.grad!.data<double>().ToArray();
        var reference = Math.Max(1, gradient.Max(Math.Abs));

        var maxError = 0.0;
        var checkedCount = 0;
        using (torch.no_grad())
        {
            var values = x.detach().clone();
            var flat = values.view(-1);
            for (var i = 0; i < count; i += every)
            {
                var original = flat[i].item<double>();
                flat[i] = original + step;
                var plus = Loss(values);
                flat[i] = original - step;
                var minus = Loss(values);
                flat[i] = original;
                var numeric = (plus - minus) / (2 * step);
                maxError = Math.Max(maxError, Math.Abs(numeric - gradient[i]) / reference);
                checkedCount++;
            }
        }
        return (maxError, checkedCount);
    }
}
