using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// An exponential moving average of the optimiser's iterates (<c>--ema DECAY</c>): a = d·a + (1−d)·x after
/// each step, starting from the first iterate. Adam's last iterate jitters around the minimum; the
/// average sits nearer its centre, with less high-frequency noise, at no extra loss evaluations.
/// </summary>
public sealed class IterateAverage : IDisposable
{
    private readonly double _decay;
    private Tensor? _average;

    public IterateAverage(double decay)
    {
        if (!(decay is >= 0 and < 1)) throw new SettingException(nameof(StyleTransferSettings.EmaDecay), "must be in [0, 1), e.g. 0.9");
        _decay = decay;
    }

    /// <summary>Folds in the current iterate (RGB in [0,1]; not kept).</summary>
    public void Update(Tensor iterate)
    {
        using var noGrad = torch.no_grad();
        if (_average is null)
        {
            _average = iterate.detach().clone().DetachFromDisposeScope();
            return;
        }
        _average.mul_(_decay).add_(iterate.detach(), alpha: 1 - _decay);
    }

    /// <summary>A copy of the average so far (the caller owns it); null before the first update.</summary>
    public Tensor? Snapshot() => _average?.clone();

    public void Dispose() => _average?.Dispose();
}
