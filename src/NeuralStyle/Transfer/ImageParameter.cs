using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>
/// The image being optimised, held in the space its preset asks for (<see cref="ImageSpace"/>), with
/// the conversions the loss needs: what the network sees, and RGB in [0,1].
/// </summary>
internal sealed class ImageParameter : IDisposable
{
    private readonly IFeatureNetwork _network;
    private readonly ImageSpace _space;

    public TorchSharp.Modules.Parameter Value { get; }

    public ImageParameter(IFeatureNetwork network, ImageSpace space, Tensor initialRgb)
    {
        _network = network;
        _space = space;
        using var noGrad = torch.no_grad();
        using var start = space == ImageSpace.Normalized ? network.Normalize(initialRgb) : initialRgb.clone();
        using var contiguous = start.contiguous();
        Value = new TorchSharp.Modules.Parameter(contiguous, requires_grad: true);
        Value.DetachFromDisposeScope(); // lives for the whole run, across per-step scopes
    }

    /// <summary>The network input (differentiable).</summary>
    public Tensor NetworkInput() => _space == ImageSpace.Normalized ? Value.alias() : _network.Normalize(Value);

    /// <summary>RGB (differentiable, not clamped): the space total variation is measured in.</summary>
    public Tensor Pixels() => _space == ImageSpace.Normalized ? _network.Denormalize(Value) : Value.alias();

    /// <summary>Keeps a pixel-space image displayable between Adam steps. Not for L-BFGS, whose curvature
    /// estimates a projection would corrupt, nor for the normalised space, which the seed tutorial never clamps.</summary>
    public void ClampToDisplayRange()
    {
        if (_space != ImageSpace.Pixels) return;
        using var noGrad = torch.no_grad();
        Value.clamp_(0, 1);
    }

    /// <summary>A detached RGB copy clamped to [0,1], for saving.</summary>
    public Tensor Snapshot()
    {
        using var noGrad = torch.no_grad();
        using var pixels = Pixels();
        using var clamped = pixels.clamp(0, 1);
        return clamped.detach();
    }

    public void Dispose() => Value.Dispose();
}
