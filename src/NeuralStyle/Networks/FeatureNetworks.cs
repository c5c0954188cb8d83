using NeuralStyle.Models;
using NeuralStyle.Onnx;
using NeuralStyle.Weights;

namespace NeuralStyle.Networks;

/// <summary>Builds the loss network a run asks for: the model, its weights, cut after the deepest used layer.</summary>
public static class FeatureNetworks
{
    /// <param name="model">A resolved model (not <see cref="ModelFamily.Auto"/>).</param>
    /// <param name="weightsPath">VGG: a PyTorch checkpoint (null = the model cache; vgg19-conv3: the bundled file). resnet18: another copy
    /// of ResNet18.onnx (null = the bundled file). Ignored for onnx:PATH.</param>
    /// <param name="layers">Every layer the run reads.</param>
    /// <param name="pooling">VGG only; ONNX graphs keep their own pooling.</param>
    /// <param name="precision">Weights and activations in fp32 or bf16 (auto: see <see cref="PrecisionChoice.ComputeType"/>).</param>
    public static IFeatureNetwork Create(ModelSpec model, string? weightsPath, IReadOnlyCollection<string> layers, PoolingKind pooling,
        Precision precision = Precision.Fp32)
    {
        var type = PrecisionChoice.ComputeType(precision);
        return model.Family switch
        {
            ModelFamily.Vgg => CreateVgg(model, weightsPath, layers, pooling, type),
            ModelFamily.ResNet18 => WithComputeType(ResNet18Network.Create(weightsPath), type),
            ModelFamily.Onnx => WithComputeType(CreateOnnx(model.OnnxPath!), type),
            _ => throw new ArgumentException("resolve --model auto before building the network", nameof(model)),
        };
    }

    private static IFeatureNetwork WithComputeType(IFeatureNetwork network, TorchSharp.torch.ScalarType type)
    {
        if (type != TorchSharp.torch.ScalarType.Float32 && network is OnnxFeatureNetwork onnx) onnx.UseComputeType(type);
        return network;
    }

    private static IFeatureNetwork CreateVgg(ModelSpec spec, string? weightsPath, IReadOnlyCollection<string> layers, PoolingKind pooling,
        TorchSharp.torch.ScalarType type)
    {
        var model = spec.VggArchitectureName;
        var architecture = VggArchitecture.ForModel(model);
        foreach (var layer in layers)
            if (architecture.All(l => l.Name != layer))
                throw new NeuralStyleException($"{model} has no layer '{layer}' (names look like conv3_1, relu4_2, pool2)");
        var deepest = VggArchitecture.DeepestOf(model, layers).Name;

        if (spec == ModelSpec.Vgg19Conv3) BundledVgg.RequireLayers(layers);

        var path = weightsPath ?? (spec == ModelSpec.Vgg19Conv3 ? BundledVgg.RequireFile() : null)
            ?? ModelCache.FromEnvironment().TryGetCachedPath(model)
            ?? throw new NeuralStyleException(
                $"no {model} weights: run 'neural-style models download {model}' once, or pass --weights PATH (or use --model resnet18, bundled)");
        var stateDict = CheckpointLoader.Load(path);
        try
        {
            return new VggFeatureNetwork(model, stateDict, deepest, pooling, path, type);
        }
        finally
        {
            foreach (var tensor in stateDict.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// Any ONNX CNN. The bundled ResNet18 export is recognised and gets its own preprocessing and layer
    /// names, so onnx:…/ResNet18.onnx and resnet18 are the same network. Anything else is assumed to
    /// take torchvision's input (RGB, ImageNet mean/std) and sides that are multiples of 32, as
    /// ImageNet classifiers that halve their resolution five times need.
    /// </summary>
    private static IFeatureNetwork CreateOnnx(string path)
    {
        var model = OnnxModelFile.Load(path);
        if (ResNet18Network.Matches(model)) return ResNet18Network.FromModel(model, path);
        var executor = new OnnxExecutor(model, path);
        try
        {
            return new OnnxFeatureNetwork(Path.GetFileNameWithoutExtension(path), executor, [], OnnxInputConvention.TorchVision, 32);
        }
        catch
        {
            executor.Dispose();
            throw;
        }
    }
}
