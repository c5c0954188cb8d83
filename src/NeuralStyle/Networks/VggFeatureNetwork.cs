using NeuralStyle.Tiling;
using NeuralStyle.Weights;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NeuralStyle.Networks;

/// <summary>
/// VGG16/VGG19 feature layers as a frozen, functional network: convolutions with pretrained weights,
/// ReLU, and max or average pooling. Built only up to the deepest layer a run needs, so no time or
/// memory goes to layers whose output nobody reads.
/// </summary>
public sealed class VggFeatureNetwork : IFeatureNetwork, IReceptiveFields
{
    private readonly IReadOnlyList<VggLayer> _layers;
    private readonly Dictionary<int, (Tensor Weight, Tensor Bias)> _convs = new();
    private readonly PoolingKind _pooling;
    private readonly ScalarType _computeType;

    public string Name { get; }
    public int SizeMultiple => 1; // pooling floors odd sizes, so any size runs
    public IReadOnlyList<string> LayerNames { get; }

    /// <param name="model">vgg19 or vgg16.</param>
    /// <param name="stateDict">torchvision-layout weights (<c>features.N.weight/bias</c>); copied, not kept.</param>
    /// <param name="deepestLayer">The network ends here; deeper layers are neither built nor needed in the weights.</param>
    /// <param name="weightsSource">Where the weights came from, for error messages.</param>
    /// <param name="computeType">Float32, or BFloat16 to hold weights and activations in bf16 (inputs are
    /// cast in <see cref="Extract"/>, features cast back to float32 for the losses).</param>
    public VggFeatureNetwork(string model, IReadOnlyDictionary<string, Tensor> stateDict, string deepestLayer,
        PoolingKind pooling, string weightsSource, ScalarType computeType = ScalarType.Float32)
    {
        if (computeType is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new ArgumentException($"VGG computes in float32 or bfloat16, not {computeType}", nameof(computeType));
        _computeType = computeType;
        var all = VggArchitecture.ForModel(model);
        var last = all.FirstOrDefault(l => l.Name == deepestLayer)
            ?? throw new NeuralStyleException($"{model} has no layer '{deepestLayer}' (layers are conv1_1 … {all[^2].Name}, relu…, pool1 … pool5)");
        Name = model;
        _pooling = pooling;
        _layers = all.Take(last.Index + 1).ToList();
        LayerNames = all.Select(l => l.Name).ToList();

        foreach (var conv in _layers.Where(l => l.Kind == VggLayerKind.Conv))
        {
            var weight = RequireTensor(stateDict, $"features.{conv.Index}.weight", conv, weightsSource,
                [conv.OutChannels, conv.InChannels, 3, 3], computeType);
            var bias = RequireTensor(stateDict, $"features.{conv.Index}.bias", conv, weightsSource, [conv.OutChannels], computeType);
            _convs[conv.Index] = (weight, bias);
        }
    }

    public Tensor Normalize(Tensor rgb) => ImageNetNormalization.Normalize(rgb);
    public Tensor Denormalize(Tensor input) => ImageNetNormalization.Denormalize(input);

    /// <summary>The dtype weights and activations are held in.</summary>
    public ScalarType ComputeType => _computeType;

    public IReadOnlyDictionary<string, Tensor> Extract(Tensor input, IReadOnlyCollection<string> layers)
    {
        var wanted = new HashSet<string>(layers);
        foreach (var name in wanted)
            if (_layers.All(l => l.Name != name))
                throw new NeuralStyleException(LayerNames.Contains(name)
                    ? $"layer '{name}' is deeper than this network was built for ({_layers[^1].Name})"
                    : $"{Name} has no layer '{name}'");

        var outputs = new Dictionary<string, Tensor>();
        using var scope = torch.NewDisposeScope();
        // A differentiable cast: the gradient comes back to the float32 image through it.
        var x = input.dtype == _computeType ? input : input.to(_computeType);
        x = ChannelsLast.Of(x); // with the weights stored so, convolutions run faster (see ChannelsLast)
        foreach (var layer in _layers)
        {
            if (outputs.Count == wanted.Count) break; // nothing deeper is needed
            var previous = x;
            x = layer.Kind switch
            {
                VggLayerKind.Conv => F.conv2d(x, _convs[layer.Index].Weight, _convs[layer.Index].Bias, padding: [1, 1]),
                VggLayerKind.Relu => F.relu(x), // not in place: the conv output may be a requested layer
                _ => _pooling == PoolingKind.Max
                    ? F.max_pool2d(x, kernel_size: 2, stride: 2)
                    : F.avg_pool2d(x, kernel_size: 2, stride: 2),
            };
            // Losses and Gram matrices stay float32 whatever the network computes in.
            if (wanted.Contains(layer.Name))
                outputs[layer.Name] = (x.dtype == ScalarType.Float32 ? x.alias() : x.to(ScalarType.Float32)).MoveToOuterDisposeScope();
            // Free each map as soon as the next exists, instead of at the end of the scope: under no_grad
            // (targets) that frees it at once; with autograd, only what backward does not need is freed
            // (ReLU keeps its output, not the conv output it was given).
            if (!ReferenceEquals(previous, input)) previous.Dispose();
        }
        return outputs;
    }

    /// <summary>3×3 convolutions with one pixel of padding and 2×2 poolings, counted up to the layer.</summary>
    public ReceptiveField FieldOf(string layer)
    {
        var all = VggArchitecture.ForModel(Name);
        var target = all.FirstOrDefault(l => l.Name == layer) ?? throw new NeuralStyleException($"{Name} has no layer '{layer}'");
        var field = ReceptiveField.Input;
        foreach (var step in all.Take(target.Index + 1))
            field = step.Kind switch
            {
                VggLayerKind.Conv => field.Window(3, 1, 1),
                VggLayerKind.Pool => field.Window(2, 2, 0),
                _ => field,
            };
        return field;
    }

    private static Tensor RequireTensor(IReadOnlyDictionary<string, Tensor> stateDict, string key, VggLayer layer,
        string source, long[] shape, ScalarType computeType)
    {
        CheckpointLoader.RequireKeys(stateDict, [key], source,
            $"layer {layer.Name}; use shallower --style-layers/--content-layer, or weights of the full network");
        var tensor = stateDict[key];
        if (!tensor.shape.SequenceEqual(shape))
            throw new NeuralStyleException(
                $"weights '{source}': '{key}' has shape [{string.Join(",", tensor.shape)}], expected [{string.Join(",", shape)}] for {layer.Name}");
        // Owned by this network (disposed with it), not by whatever dispose scope builds it.
        // Convolution weights channels-last, like the input in Extract (see ChannelsLast).
        using var cast = tensor.to(computeType);
        using var converted = cast.detach();
        return (converted.dim() == 4 ? ChannelsLast.Of(converted) : converted.clone()).DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var (weight, bias) in _convs.Values)
        {
            weight.Dispose();
            bias.Dispose();
        }
        _convs.Clear();
    }
}
