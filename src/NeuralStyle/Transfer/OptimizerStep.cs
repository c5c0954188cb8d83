using NeuralStyle.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>One optimisation step (one loss evaluation, one update) with Adam or L-BFGS.</summary>
internal abstract class OptimizerStep : IDisposable
{
    protected readonly ImageParameter Image;
    protected readonly StyleTransferObjective Objective;

    protected OptimizerStep(ImageParameter image, StyleTransferObjective objective)
    {
        Image = image;
        Objective = objective;
    }

    public static OptimizerStep Create(StyleTransferSettings settings, ImageParameter image, StyleTransferObjective objective) =>
        settings.Optimizer switch
        {
            OptimizerKind.Adam => new AdamStep(image, objective, settings.LearningRate),
            _ => new LbfgsStep(image, objective, settings.LearningRate),
        };

    /// <summary>Evaluates the loss at the current image, updates the image, returns the evaluated terms.</summary>
    public abstract LossBreakdown Take();

    /// <summary>Loss and gradient at the current image; the returned scalar belongs to the caller.</summary>
    protected (Tensor Total, LossBreakdown Terms) EvaluateWithGradient()
    {
        using var scope = torch.NewDisposeScope();
        var (total, terms) = Objective.Evaluate(Image.NetworkInput(), Image.Pixels());
        total.backward();
        return (total.detach().MoveToOuterDisposeScope(), terms);
    }

    public abstract void Dispose();

    private sealed class AdamStep(ImageParameter image, StyleTransferObjective objective, double learningRate)
        : OptimizerStep(image, objective)
    {
        private readonly optim.Optimizer _adam = torch.optim.Adam([image.Value], lr: learningRate);

        public override LossBreakdown Take()
        {
            _adam.zero_grad();
            var (total, terms) = EvaluateWithGradient();
            total.Dispose();
            _adam.step();
            Image.ClampToDisplayRange();
            return terms;
        }

        public override void Dispose() => _adam.Dispose();
    }

    private sealed class LbfgsStep(ImageParameter image, StyleTransferObjective objective, double learningRate)
        : OptimizerStep(image, objective)
    {
        // max_iter = 1: each step() is one evaluation and one update, so progress, logging and
        // cancellation work per iteration; libtorch keeps the curvature history across step() calls.
        // Tolerances are ~0 so the optimiser runs the iterations asked for instead of stopping
        // silently when the (scale-free, hence small) gradients fall under libtorch's defaults.
        private readonly optim.Optimizer _lbfgs = torch.optim.LBFGS([image.Value], lr: learningRate,
            max_iter: 1, max_eval: 1, tolerange_grad: 1e-20, tolerance_change: 1e-20, history_size: 100);

        public override LossBreakdown Take()
        {
            LossBreakdown terms = default;
            // The closure runs inside native code: it must not throw, and libtorch takes ownership
            // of the tensor it returns.
            using var result = _lbfgs.step(() =>
            {
                _lbfgs.zero_grad();
                var (total, evaluated) = EvaluateWithGradient();
                terms = evaluated;
                return total.DetachFromDisposeScope();
            });
            return terms;
        }

        public override void Dispose() => _lbfgs.Dispose();
    }
}
