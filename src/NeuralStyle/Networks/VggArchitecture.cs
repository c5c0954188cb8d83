namespace NeuralStyle.Networks;

/// <summary>One step of the VGG "features" stack, in torchvision order.</summary>
/// <param name="Index">Position in torchvision's <c>features</c> Sequential (weights are
/// <c>features.{Index}.weight/bias</c> for convolutions).</param>
/// <param name="Name">conv{block}_{n}, relu{block}_{n} or pool{block}.</param>
public sealed record VggLayer(int Index, string Name, VggLayerKind Kind, int InChannels, int OutChannels);

public enum VggLayerKind { Conv, Relu, Pool }

/// <summary>
/// The VGG16/VGG19 feature stacks (Simonyan &amp; Zisserman 2014, configurations D and E) laid out
/// exactly as torchvision's <c>vgg16().features</c> / <c>vgg19().features</c>, so the layer indices
/// match the keys in torchvision checkpoints.
/// </summary>
public static class VggArchitecture
{
    // Convolutions per block; every conv is 3x3/pad 1 followed by ReLU, every block ends in a 2x2 pool.
    private static readonly int[] BlockWidths = [64, 128, 256, 512, 512];
    private static readonly int[] Vgg16Depths = [2, 2, 3, 3, 3];
    private static readonly int[] Vgg19Depths = [2, 2, 4, 4, 4];

    public static IReadOnlyList<VggLayer> Vgg16 { get; } = Build(Vgg16Depths);
    public static IReadOnlyList<VggLayer> Vgg19 { get; } = Build(Vgg19Depths);

    public static IReadOnlyList<VggLayer> ForModel(string model) => model switch
    {
        "vgg19" => Vgg19,
        "vgg16" => Vgg16,
        _ => throw new NeuralStyleException($"unknown VGG model '{model}' (expected vgg19 or vgg16)"),
    };

    /// <summary>The deepest of <paramref name="layers"/> in <paramref name="model"/>: where the network can be cut.</summary>
    public static VggLayer DeepestOf(string model, IEnumerable<string> layers)
    {
        var used = layers.ToHashSet();
        return ForModel(model).Where(l => used.Contains(l.Name)).MaxBy(l => l.Index)
            ?? throw new ArgumentException("no layer of the model is used", nameof(layers));
    }

    private static IReadOnlyList<VggLayer> Build(int[] depths)
    {
        var layers = new List<VggLayer>();
        var channels = 3;
        for (var block = 0; block < depths.Length; block++)
        {
            var width = BlockWidths[block];
            for (var n = 1; n <= depths[block]; n++)
            {
                layers.Add(new VggLayer(layers.Count, $"conv{block + 1}_{n}", VggLayerKind.Conv, channels, width));
                layers.Add(new VggLayer(layers.Count, $"relu{block + 1}_{n}", VggLayerKind.Relu, width, width));
                channels = width;
            }
            layers.Add(new VggLayer(layers.Count, $"pool{block + 1}", VggLayerKind.Pool, width, width));
        }
        return layers;
    }
}
