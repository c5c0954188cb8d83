using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Networks;

/// <summary>
/// A frozen, pretrained CNN used as the loss network: it turns an image into named feature maps.
/// Images enter in the network's own input space (see <see cref="Normalize"/>), so an optimiser can
/// work in that space directly when a preset asks for it.
/// </summary>
public interface IFeatureNetwork : IDisposable
{
    /// <summary>Short name for messages, e.g. "vgg19".</summary>
    string Name { get; }

    /// <summary>Image sides must be multiples of this for every layer to work (1 = any size).</summary>
    int SizeMultiple { get; }

    /// <summary>Every layer name this network can return, shallow to deep.</summary>
    IReadOnlyList<string> LayerNames { get; }

    /// <summary>RGB in [0,1], [N,3,H,W] → the network's input space.</summary>
    Tensor Normalize(Tensor rgb);

    /// <summary>The inverse of <see cref="Normalize"/>.</summary>
    Tensor Denormalize(Tensor input);

    /// <summary>Runs the network on a normalised input and returns the requested layers' outputs.
    /// Stops after the deepest requested layer. Gradients flow to <paramref name="input"/>.</summary>
    IReadOnlyDictionary<string, Tensor> Extract(Tensor input, IReadOnlyCollection<string> layers);

    /// <summary>Values per input pixel a training step holds to reach <paramref name="layers"/>, counted from the network
    /// itself (an ONNX graph: every tensor they depend on), for <see cref="Transfer.MemoryEstimate"/>; null where the
    /// estimate counts from the architecture (VGG).</summary>
    /// <param name="maxMemoryBytes">What counting may use at most (it runs the network on a small image).</param>
    double? ValuesPerPixel(IReadOnlyCollection<string> layers, long? maxMemoryBytes = null) => null;
}
