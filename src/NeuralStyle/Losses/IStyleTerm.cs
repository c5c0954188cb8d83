using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>The style term of one layer, whatever <see cref="StyleLossKind"/> it uses.</summary>
public interface IStyleTerm : ISummedTerm, IDisposable
{
    /// <summary>The weighted term w·loss for the target image's whole feature map at this layer.</summary>
    Tensor Evaluate(Tensor features);
}
