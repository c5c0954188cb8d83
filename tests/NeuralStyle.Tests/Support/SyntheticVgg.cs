using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Support;

/// <summary>
/// VGG weights with the real shapes and random values (He initialisation), for tests about formulas
/// and plumbing rather than about pretrained features. Seeded, so every run builds the same network.
/// </summary>
public static class SyntheticVgg
{
    public static Dictionary<string, Tensor> StateDict(string model, string deepestLayer, long seed = 7)
    {
        using var generator = new Generator((ulong)seed);
        var dict = new Dictionary<string, Tensor>();
        foreach (var layer in VggArchitecture.ForModel(model))
        {
            if (layer.Kind != VggLayerKind.Conv) continue;
            var std = Math.Sqrt(2.0 / (layer.InChannels * 9));
            dict[$"features.{layer.Index}.weight"] = torch.randn([layer.OutChannels, layer.InChannels, 3, 3], generator: generator).mul_(std);
            dict[$"features.{layer.Index}.bias"] = torch.randn([layer.OutChannels], generator: generator).mul_(0.01);
            if (layer.Name == deepestLayer.Replace("relu", "conv")) break;
        }
        return dict;
    }

    public static VggFeatureNetwork Network(string deepestLayer, PoolingKind pooling = PoolingKind.Max, string model = "vgg19")
    {
        var dict = StateDict(model, deepestLayer);
        try
        {
            return new VggFeatureNetwork(model, dict, deepestLayer, pooling, "synthetic");
        }
        finally
        {
            foreach (var t in dict.Values) t.Dispose();
        }
    }
}
