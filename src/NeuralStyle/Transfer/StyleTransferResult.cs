namespace NeuralStyle.Transfer;

/// <summary>The outcome of a run. <see cref="Image"/> is RGB in [0,1], [1,3,H,W]; the caller owns and disposes it.</summary>
public sealed record StyleTransferResult(TorchSharp.torch.Tensor Image, int StepsCompleted, bool Cancelled) : IDisposable
{
    public void Dispose() => Image.Dispose();
}
