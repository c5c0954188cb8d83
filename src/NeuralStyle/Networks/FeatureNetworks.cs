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
            ModelFamily.Vgg => WithBorders(CreateVgg(model, weightsPath, layers, pooling, type), model.VggArchitectureName, layers),
            ModelFamily.ResNet18 => WithBorders(WithComputeType(ResNet18Network.Create(weightsPath), type)),
            ModelFamily.Onnx => WithBorders(WithComputeType(CreateOnnx(model.OnnxPath!), type)),
            _ => throw new ArgumentException("resolve --model auto before building the network", nameof(model)),
        };
    }

    /// <summary>A raw network as the losses use it: on a reflected margin, cropped back to the image (see
    /// <see cref="BorderPaddedNetwork"/>). ONNX networks: the margin is one cell of their stride-32 layers
    /// (measured with ResNet18 at 256 px: final loss 0.908 → 0.767 at equal steps, a darker bottom edge
    /// halved). It costs (H+64)(W+64)/HW times the pixels: +55 % time per step measured at 256×192, about
    /// +31 % pixels at 512×384.</summary>
    public static IFeatureNetwork WithBorders(IFeatureNetwork raw) => new BorderPaddedNetwork(raw, raw.SizeMultiple, raw.SizeMultiple);

    /// <summary>VGG: no margin (a 16-px one changed neither the loss nor the look of the border in our runs,
    /// README "Sizes and borders"); inputs are only padded to the stride of the deepest layer used (2 per pooling
    /// before it), so pooling drops no row of the image.</summary>
    public static IFeatureNetwork WithBorders(IFeatureNetwork raw, string model, IEnumerable<string> layers)
    {
        var deepest = VggArchitecture.DeepestOf(model, layers);
        var stride = 1 << VggArchitecture.ForModel(model).Count(l => l.Kind == VggLayerKind.Pool && l.Index <= deepest.Index);
        return new BorderPaddedNetwork(raw, 0, stride);
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
