using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>The Gram matrix of a feature map: channel-by-channel inner products over all positions.</summary>
public static class GramMatrix
{
    /// <param name="features">[1,C,H,W] (or [C,H,W]) layer output.</param>
    /// <param name="averageOverPositions">Divide by H·W, making G independent of the image size.</param>
    /// <returns>[C,C], G = F·Fᵀ with F the features reshaped to C × H·W.</returns>
    public static Tensor Compute(Tensor features, bool averageOverPositions)
    {
        var (channels, positions) = ChannelsAndPositions(features);
        Tensor gram;
        if (IsChannelsLast(features))
        {
            // The networks compute channels-last: there F is already stored as H·W × C, a view, no copy.
            using var positionsByChannels = features.permute(0, 2, 3, 1).reshape(positions, channels);
            gram = positionsByChannels.t().matmul(positionsByChannels);
        }
        else
        {
            using var flat = features.reshape(channels, positions);
            gram = flat.matmul(flat.t());
        }
        return averageOverPositions ? gram.div_(positions) : gram;
    }

    private static bool IsChannelsLast(Tensor features)
    {
        if (features.dim() != 4) return false;
        var stride = features.stride();
        return stride[1] == 1 && stride[3] == features.shape[1] && features.shape[1] > 1;
    }

    public static (long Channels, long Positions) ChannelsAndPositions(Tensor features)
    {
        if (features.dim() == 4 && features.shape[0] != 1)
            throw new ArgumentException($"Gram matrices are per image; got a batch of {features.shape[0]}");
        var shape = features.shape;
        return (shape[^3], shape[^2] * shape[^1]);
    }
}
