using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// Adam (Kingma and Ba 2015) with PyTorch's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8, no weight decay), the
/// same arithmetic in the same order as TorchSharp's <c>optim.Adam</c>, so results are unchanged.
/// Ours so that its state (the step count and both moments) can be saved and restored exactly.
/// </summary>
internal sealed class AdamOptimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private readonly Tensor _x;
    private readonly double _learningRate;
    private Tensor? _expAvg, _expAvgSq;
    private long _step;

    public AdamOptimizer(Tensor x, double learningRate)
    {
        _x = x;
        _learningRate = learningRate;
    }

    /// <summary>Updates x from its current gradient.</summary>
    public void Step()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var grad = _x.grad!;
        _expAvg ??= torch.zeros_like(_x).DetachFromDisposeScope();
        _expAvgSq ??= torch.zeros_like(_x).DetachFromDisposeScope();
        _step += 1;
        var biasCorrection1 = 1 - Math.Pow(Beta1, _step);
        var biasCorrection2 = 1 - Math.Pow(Beta2, _step);
        _expAvg.mul_(Beta1).add_(grad, alpha: 1 - Beta1);
        _expAvgSq.mul_(Beta2).addcmul_(grad, grad.conj(), value: 1 - Beta2);
        var denominator = (_expAvgSq.sqrt() / Math.Sqrt(biasCorrection2)).add_(Epsilon);
        _x.addcdiv_(_expAvg, denominator, value: -(_learningRate / biasCorrection1));
    }

    public OptimizerState Export()
    {
        var tensors = new Dictionary<string, Tensor>();
        if (_expAvg is not null) tensors["adam.exp_avg"] = _expAvg.clone().DetachFromDisposeScope();
        if (_expAvgSq is not null) tensors["adam.exp_avg_sq"] = _expAvgSq.clone().DetachFromDisposeScope();
        return new OptimizerState(OptimizerKind.Adam, _step, [], tensors);
    }

    public void Import(OptimizerState state)
    {
        if (state.Kind != OptimizerKind.Adam) throw new NeuralStyleException($"the checkpoint holds {state.Kind} state, not Adam");
        Dispose();
        _step = state.Step;
        _expAvg = state.Tensors.TryGetValue("adam.exp_avg", out var m) ? m.clone().DetachFromDisposeScope() : null;
        _expAvgSq = state.Tensors.TryGetValue("adam.exp_avg_sq", out var v) ? v.clone().DetachFromDisposeScope() : null;
    }

    public void Dispose()
    {
        _expAvg?.Dispose();
        _expAvgSq?.Dispose();
        _expAvg = _expAvgSq = null;
    }
}
