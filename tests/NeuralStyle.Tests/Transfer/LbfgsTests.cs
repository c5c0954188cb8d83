using NeuralStyle.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Transfer;

/// <summary>Our L-BFGS must take the same steps as libtorch's (PyTorch's algorithm, no line search).</summary>
public class LbfgsTests
{
    // A smooth, non-quadratic test function: ‖Ax − b‖² + 0.1·Σx⁴.
    private static Tensor Loss(Tensor x, Tensor a, Tensor b) => (a.matmul(x) - b).square().sum() + x.pow(4).sum().mul(0.1);

    [Theory]
    [InlineData(100)]
    [InlineData(3)] // --lbfgs-history 3: the oldest pairs are dropped exactly as libtorch drops them
    public void IteratesMatchLibtorchsLbfgs(int history)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new Generator(42);
        var a = torch.randn([12, 10], dtype: ScalarType.Float64, generator: generator);
        var b = torch.randn([12], dtype: ScalarType.Float64, generator: generator);
        var start = torch.randn([10], dtype: ScalarType.Float64, generator: generator);

        var ours = new TorchSharp.Modules.Parameter(start.clone());
        using var lbfgs = new Lbfgs(ours, learningRate: 1, history);
        var theirs = new TorchSharp.Modules.Parameter(start.clone());
        using var native = torch.optim.LBFGS([theirs], lr: 1, max_iter: 1, max_eval: 1,
            tolerange_grad: 1e-20, tolerance_change: 1e-20, history_size: history);

        double first = 0, last = 0;
        for (var step = 0; step < 15; step++)
        {
            ours.grad?.zero_();
            using (var loss = Loss(ours, a, b))
            {
                loss.backward();
                if (step == 0) first = loss.item<double>();
                last = loss.item<double>();
            }
            Assert.True(lbfgs.Step());

            using var result = native.step(() =>
            {
                native.zero_grad();
                var loss = Loss(theirs, a, b);
                loss.backward();
                return loss.DetachFromDisposeScope();
            });

            var gap = (ours - theirs).abs().max().item<double>();
            Assert.True(gap < 1e-9, $"step {step + 1}: iterates differ by {gap}");
        }
        Assert.True(last < 0.1 * first, $"loss fell only from {first} to {last}");
    }

    [Fact]
    public void ZeroGradientLeavesTheTensorAlone()
    {
        using var scope = torch.NewDisposeScope();
        var x = new TorchSharp.Modules.Parameter(torch.ones(4));
        x.sum().mul(0).backward();
        using var lbfgs = new Lbfgs(x, 1);
        Assert.False(lbfgs.Step());
        Assert.Equal(new float[] { 1, 1, 1, 1 }, x.data<float>().ToArray());
    }
}

/// <summary>A curvature pair whose coefficients leave float32's range must not end the run.</summary>
public class LbfgsRestartTests
{
    [Fact]
    public void AnAstronomicalCoefficientRestartsFromSteepestDescentInsteadOfFailing()
    {
        using var scope = torch.NewDisposeScope();
        var x = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 1, -2, 3, -4 }));
        using var lbfgs = new Lbfgs(x, learningRate: 1);
        // A remembered pair with ρ = 1e35 (sᵀy ≈ 1e-35): ρ·sᵀq is far beyond float32, which libtorch refused with
        // "Expected false to be true" when used as a step coefficient.
        using (var state = new OptimizerState(OptimizerKind.Lbfgs, 5, [1e35],
                   new Dictionary<string, Tensor> { ["lbfgs.s.0"] = torch.ones(4), ["lbfgs.y.0"] = torch.ones(4) }))
            lbfgs.Import(state);

        var before = x.detach().clone();
        using (var loss = x.square().sum()) loss.backward(); // gradient 2x
        Assert.True(lbfgs.Step());
        // Steepest descent, shortened as a first step: x − lr·min(1, 1/‖g‖₁)·g, with ‖g‖₁ = 20.
        var expected = before - 0.05f * (2 * before);
        Assert.True((x.detach() - expected).abs().max().item<float>() < 1e-6f, $"x = {string.Join(", ", x.detach().data<float>().ToArray())}");
        Assert.Empty(lbfgs.Export().Rhos); // the history was forgotten
    }
}
