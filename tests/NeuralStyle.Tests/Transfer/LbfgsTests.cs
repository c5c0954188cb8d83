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
