using NeuralStyle.Models;
using NeuralStyle.Weights;

namespace NeuralStyle.Networks;

/// <summary>Builds the loss network a run asks for: the model, its weights file, cut after the deepest used layer.</summary>
public static class FeatureNetworks
{
    /// <param name="model">vgg19 or vgg16.</param>
    /// <param name="weightsPath">A PyTorch checkpoint, or null to use the model cache.</param>
    /// <param name="layers">Every layer the run reads.</param>
    public static IFeatureNetwork Create(string model, string? weightsPath, IReadOnlyCollection<string> layers, PoolingKind pooling)
    {
        var architecture = VggArchitecture.ForModel(model);
        foreach (var layer in layers)
            if (architecture.All(l => l.Name != layer))
                throw new NeuralStyleException($"{model} has no layer '{layer}' (names look like conv3_1, relu4_2, pool2)");
        var deepest = architecture.Where(l => layers.Contains(l.Name)).MaxBy(l => l.Index)!.Name;

        var path = weightsPath ?? ModelCache.FromEnvironment().TryGetCachedPath(model)
            ?? throw new NeuralStyleException(
                $"no {model} weights: run 'neural-style models download {model}' once, or pass --weights PATH");
        var stateDict = CheckpointLoader.Load(path);
        try
        {
            return new VggFeatureNetwork(model, stateDict, deepest, pooling, path);
        }
        finally
        {
            foreach (var tensor in stateDict.Values) tensor.Dispose();
        }
    }
}
