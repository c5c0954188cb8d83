using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Bench;

/// <summary>
/// VGG weights with the real shapes and random values (He initialisation). Timing depends on shapes,
/// not values, so benchmarks use these where the real 548 MB file is not at hand; tests use them for
/// formulas and plumbing. Seeded, so every run builds the same network.
/// </summary>
public static class SyntheticVgg
{
    public static Dictionary<string, Tensor> StateDict(string model, string deepestLayer, long seed = 7)
    {
        using var generator = new Generator((ulong)seed);
        var dict = new Dictionary<string, Tensor>();
        var architecture = VggArchitecture.ForModel(model);
        var last = architecture.Single(l => l.Name == deepestLayer).Index;
        foreach (var layer in architecture.Where(l => l.Kind == VggLayerKind.Conv && l.Index <= last))
        {
            var std = Math.Sqrt(2.0 / (layer.InChannels * 9));
            dict[$"features.{layer.Index}.weight"] = torch.randn([layer.OutChannels, layer.InChannels, 3, 3], generator: generator).mul_(std);
            dict[$"features.{layer.Index}.bias"] = torch.randn([layer.OutChannels], generator: generator).mul_(0.01);
        }
        return dict;
    }

    public static VggFeatureNetwork Network(string deepestLayer, PoolingKind pooling = PoolingKind.Max, string model = "vgg19",
        ScalarType computeType = ScalarType.Float32)
    {
        var dict = StateDict(model, deepestLayer);
        try
        {
            return new VggFeatureNetwork(model, dict, deepestLayer, pooling, "synthetic weights", computeType);
        }
        finally
        {
            foreach (var t in dict.Values) t.Dispose();
        }
    }
}
