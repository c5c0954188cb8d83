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
            _ => new LbfgsStep(image, objective, settings.LearningRate, settings.LbfgsHistory),
        };

    /// <summary>Evaluates the loss at the current image, updates the image, returns the evaluated terms.</summary>
    public abstract LossBreakdown Take();

    /// <summary>The loss at the current image; its gradient is added to the image's .grad (whole or in tiles).</summary>
    protected LossBreakdown EvaluateWithGradient()
    {
        using var scope = torch.NewDisposeScope();
        return Objective.Backward(Image.NetworkInput(), Image.Pixels());
    }

    /// <summary>The optimiser's full state (copies the caller owns), for a checkpoint.</summary>
    public abstract OptimizerState Export();

    /// <summary>Continues from a state <see cref="Export"/> gave (copied).</summary>
    public abstract void Import(OptimizerState state);

    public abstract void Dispose();

    private sealed class AdamStep(ImageParameter image, StyleTransferObjective objective, double learningRate)
        : OptimizerStep(image, objective)
    {
        private readonly AdamOptimizer _adam = new(image.Value, learningRate);

        public override LossBreakdown Take()
        {
            Image.Value.grad?.zero_();
            var terms = EvaluateWithGradient();
            _adam.Step();
            Image.ClampToDisplayRange();
            return terms;
        }

        public override OptimizerState Export() => _adam.Export();

        public override void Import(OptimizerState state) => _adam.Import(state);

        public override void Dispose() => _adam.Dispose();
    }

    private sealed class LbfgsStep(ImageParameter image, StyleTransferObjective objective, double learningRate, int history)
        : OptimizerStep(image, objective)
    {
        private readonly Lbfgs _lbfgs = new(image.Value, learningRate, history);

        public override LossBreakdown Take()
        {
            Image.Value.grad?.zero_();
            var terms = EvaluateWithGradient();
            _lbfgs.Step();
            return terms;
        }

        public override OptimizerState Export() => _lbfgs.Export();

        public override void Import(OptimizerState state) => _lbfgs.Import(state);

        public override void Dispose() => _lbfgs.Dispose();
    }
}
