using NeuralStyle.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// Limited-memory BFGS without line search, one update per call, as PyTorch's <c>optim.LBFGS</c>
/// (and Torch7's <c>optim.lbfgs</c> used by neural-style) does it: two-loop recursion over the
/// last <c>history</c> curvature pairs, scaled by γ = sᵀy/yᵀy; the first step is shortened to
/// lr·min(1, 1/‖g‖₁).
/// Ours rather than TorchSharp's native wrapper because that one prints a libtorch deprecation
/// warning on every run and runs its closure from native code, where an exception cannot be thrown;
/// here each step is plain managed code with deterministic tensor lifetimes.
/// </summary>
internal sealed class Lbfgs : IDisposable
{
    private readonly Tensor _x;
    private readonly double _learningRate;
    private readonly int _history;
    private readonly List<(Tensor S, Tensor Y, double Rho)> _pairs = new();
    private Tensor? _previousGradient;
    private Tensor? _previousStep;
    private int _iteration;

    /// <param name="x">The tensor to optimise (updated in place); its .grad must hold the gradient when <see cref="Step"/> runs.</param>
    public Lbfgs(Tensor x, double learningRate, int history = 100)
    {
        _x = x;
        _learningRate = learningRate;
        _history = history;
    }

    /// <summary>Updates x from its current gradient. Returns false (and leaves x alone) when no descent
    /// direction exists, e.g. a zero gradient.</summary>
    public bool Step()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var gradient = _x.grad!.detach().flatten().clone();
        _iteration++;
        if (_previousGradient is not null && _previousStep is not null)
        {
            // The pair keeps these tensors themselves, not copies: at print sizes each is hundreds of MiB.
            var y = gradient - _previousGradient;
            if (RememberCurvature(y, _previousStep))
            {
                y.DetachFromDisposeScope();
                _previousStep = null;
            }
        }

        var direction = TwoLoopDirection(gradient, out var restarted);
        // The first step, and the first after a restart, is shortened as the steepest-descent step it is.
        var stepSize = _iteration == 1 || restarted
            ? _learningRate * Math.Min(1.0, 1.0 / gradient.abs().sum().ToDouble())
            : _learningRate;
        var slope = gradient.dot(direction).ToDouble();

        Replace(ref _previousGradient, gradient);
        if (!(slope < 0)) return false; // not a descent direction: nothing sensible to do

        using (var kept = KeptScalar.Of(stepSize)) direction.mul_(kept);
        var step = direction;
        _x.add_(step.view_as(_x), KeptScalar.One);
        Replace(ref _previousStep, step);
        return true;
    }

    /// <summary>Keeps (s, y) as the newest pair, taking ownership of both, unless the curvature condition fails.</summary>
    private bool RememberCurvature(Tensor y, Tensor s)
    {
        var ys = y.dot(s).ToDouble();
        if (ys <= 1e-10) return false; // curvature condition fails: the pair would make H indefinite
        // "while": a checkpoint written with a longer history may be resumed under a smaller memory budget.
        while (_pairs.Count >= _history)
        {
            _pairs[0].S.Dispose();
            _pairs[0].Y.Dispose();
            _pairs.RemoveAt(0);
        }
        _pairs.Add((s, y, 1.0 / ys));
        return true;
    }

    /// <summary>d = −H·g with H the L-BFGS inverse-Hessian estimate (identity on the first step).</summary>
    /// <param name="restarted">Set when the history had to be dropped: a coefficient of the recursion left the range
    /// of the image's float32 (a nearly flat curvature pair after a wild step can make ρ·sᵀq astronomically large),
    /// which libtorch refuses ("value cannot be converted to type float without overflow") and which would end the
    /// run. The history is forgotten instead and the step is steepest descent, as at the start.</param>
    private Tensor TwoLoopDirection(Tensor gradient, out bool restarted)
    {
        restarted = false;
        var q = gradient.neg();
        if (_pairs.Count == 0) return q;
        var alphas = new double[_pairs.Count];
        for (var i = _pairs.Count - 1; i >= 0; i--)
        {
            alphas[i] = _pairs[i].Rho * _pairs[i].S.dot(q).ToDouble();
            if (!FitsFloat(alphas[i])) return Restart(gradient, q, out restarted);
            using var alpha = KeptScalar.Of(-alphas[i]);
            q.add_(_pairs[i].Y, alpha);
        }
        var (lastS, lastY, _) = _pairs[^1];
        var gamma = lastS.dot(lastY).ToDouble() / lastY.dot(lastY).ToDouble(); // γ = sᵀy / yᵀy
        if (!FitsFloat(gamma)) return Restart(gradient, q, out restarted);
        using (var kept = KeptScalar.Of(gamma)) q.mul_(kept);
        for (var i = 0; i < _pairs.Count; i++)
        {
            var beta = _pairs[i].Rho * _pairs[i].Y.dot(q).ToDouble();
            if (!FitsFloat(alphas[i] - beta)) return Restart(gradient, q, out restarted);
            using var alpha = KeptScalar.Of(alphas[i] - beta);
            q.add_(_pairs[i].S, alpha);
        }
        return q;
    }

    /// <summary>Whether a step coefficient is finite and well inside float32's range (3.4e38).</summary>
    private static bool FitsFloat(double value) => double.IsFinite(value) && Math.Abs(value) < 1e30;

    /// <summary>Forgets the curvature pairs and returns the steepest-descent direction −g.</summary>
    private Tensor Restart(Tensor gradient, Tensor partial, out bool restarted)
    {
        partial.Dispose();
        foreach (var (s, y, _) in _pairs)
        {
            s.Dispose();
            y.Dispose();
        }
        _pairs.Clear();
        restarted = true;
        return gradient.neg();
    }

    private static void Replace(ref Tensor? slot, Tensor value)
    {
        slot?.Dispose();
        slot = value.DetachFromDisposeScope();
    }

    /// <summary>Everything a later <see cref="Step"/> depends on, as copies the caller owns (for checkpoints):
    /// the step count, the curvature pairs (S, Y, ρ) oldest first, the last gradient and step.</summary>
    public OptimizerState Export()
    {
        var tensors = new Dictionary<string, Tensor>();
        for (var i = 0; i < _pairs.Count; i++)
        {
            tensors[$"lbfgs.s.{i}"] = _pairs[i].S.clone().DetachFromDisposeScope();
            tensors[$"lbfgs.y.{i}"] = _pairs[i].Y.clone().DetachFromDisposeScope();
        }
        if (_previousGradient is not null) tensors["lbfgs.previous_gradient"] = _previousGradient.clone().DetachFromDisposeScope();
        if (_previousStep is not null) tensors["lbfgs.previous_step"] = _previousStep.clone().DetachFromDisposeScope();
        return new OptimizerState(OptimizerKind.Lbfgs, _iteration, _pairs.Select(p => p.Rho).ToArray(), tensors);
    }

    /// <summary>Continues from an <see cref="Export"/>ed state (copied; the caller keeps its tensors).</summary>
    public void Import(OptimizerState state)
    {
        if (state.Kind != OptimizerKind.Lbfgs) throw new NeuralStyleException($"the checkpoint holds {state.Kind} state, not L-BFGS");
        Dispose();
        _iteration = (int)state.Step;
        for (var i = 0; i < state.Rhos.Length; i++)
            _pairs.Add((Copy(state.Tensor($"lbfgs.s.{i}")), Copy(state.Tensor($"lbfgs.y.{i}")), state.Rhos[i]));
        _previousGradient = state.Tensors.TryGetValue("lbfgs.previous_gradient", out var g) ? Copy(g) : null;
        _previousStep = state.Tensors.TryGetValue("lbfgs.previous_step", out var p) ? Copy(p) : null;
    }

    private static Tensor Copy(Tensor t) => t.clone().DetachFromDisposeScope();

    public void Dispose()
    {
        foreach (var (s, y, _) in _pairs)
        {
            s.Dispose();
            y.Dispose();
        }
        _pairs.Clear();
        _previousGradient?.Dispose();
        _previousStep?.Dispose();
        _previousGradient = null;
        _previousStep = null;
    }
}
