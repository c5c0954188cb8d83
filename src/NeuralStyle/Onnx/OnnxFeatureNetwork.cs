using NeuralStyle.Networks;
using NeuralStyle.Tiling;
using static TorchSharp.torch;

namespace NeuralStyle.Onnx;

/// <summary>
/// An ONNX graph as a loss network: friendly layer names (e.g. "layer2") map onto graph tensors
/// (e.g. "ReLU315_Output_0"). Graph tensor names are accepted too, so any tensor that
/// <see cref="OnnxInspector"/> lists can be used as a layer. Owns (and disposes) the executor.
/// </summary>
public sealed class OnnxFeatureNetwork : IFeatureNetwork, IReceptiveFields
{
    private readonly OnnxExecutor _executor;
    private readonly OnnxInputConvention _convention;
    private readonly Dictionary<string, string> _tensorOf;

    public string Name { get; }
    public int SizeMultiple { get; }
    public IReadOnlyList<string> LayerNames { get; }

    /// <param name="layers">Friendly layer name → graph tensor name, shallow to deep.</param>
    /// <param name="sizeMultiple">Image sides the graph needs (see <see cref="IFeatureNetwork.SizeMultiple"/>).</param>
    public OnnxFeatureNetwork(string name, OnnxExecutor executor, IReadOnlyList<KeyValuePair<string, string>> layers,
        OnnxInputConvention convention, int sizeMultiple)
    {
        foreach (var (layer, tensor) in layers)
            if (!executor.HasTensor(tensor))
                throw new NeuralStyleException($"{name}: layer '{layer}' names tensor '{tensor}', which {executor.Source} does not have");
        Name = name;
        SizeMultiple = sizeMultiple;
        _executor = executor;
        _convention = convention;
        _tensorOf = layers.ToDictionary(p => p.Key, p => p.Value);
        LayerNames = layers.Select(p => p.Key).ToList();
    }

    public Tensor Normalize(Tensor rgb) => _convention.Normalize(rgb);
    public Tensor Denormalize(Tensor input) => _convention.Denormalize(input);

    /// <summary>Holds the graph's weights and activations in <paramref name="type"/> (float32 or bfloat16);
    /// <see cref="Extract"/> casts its input to it and the features back to float32.</summary>
    public void UseComputeType(ScalarType type) => _executor.UseComputeType(type);

    /// <summary>The graph tensor a layer name stands for; throws the one-line error for unknown names.</summary>
    public string TensorFor(string layer)
    {
        if (_tensorOf.TryGetValue(layer, out var tensor)) return tensor;
        if (_executor.HasTensor(layer)) return layer;
        throw new NeuralStyleException(
            $"{Name} has no layer '{layer}' (layers are {string.Join(", ", LayerNames)}, or a tensor name from 'models inspect')");
    }

    public IReadOnlyDictionary<string, Tensor> Extract(Tensor input, IReadOnlyCollection<string> layers)
    {
        var tensors = layers.Distinct().ToDictionary(l => l, TensorFor);
        // The executor evaluates only what these tensors depend on, so deeper layers are never computed.
        var outputs = RunInComputeType(input, tensors.Values.Distinct().ToList());
        var result = new Dictionary<string, Tensor>();
        var handedOut = new HashSet<string>();
        foreach (var (layer, tensor) in tensors)
            // Two layer names can alias one tensor (layer1 = layer1_1); each caller gets its own handle.
            result[layer] = handedOut.Add(tensor) ? outputs[tensor] : outputs[tensor].alias();
        return result;
    }

    // float32 callers in and out; the executor works in its compute type in between (casts are differentiable).
    private IReadOnlyDictionary<string, Tensor> RunInComputeType(Tensor input, List<string> names)
    {
        var type = _executor.ComputeType;
        if (input.dtype == type || !input.is_floating_point()) return _executor.Run(input, names);
        using var cast = input.to(type);
        var raw = _executor.Run(cast, names);
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in raw)
        {
            result[name] = tensor.to(input.dtype);
            tensor.Dispose();
        }
        return result;
    }

    /// <summary>Each named layer's output shape for an input of the given size.</summary>
    public IReadOnlyDictionary<string, long[]> LayerShapes(long height, long width, IReadOnlyCollection<string>? layers = null)
    {
        var tensors = (layers ?? LayerNames).Distinct().ToDictionary(l => l, TensorFor);
        var shapes = _executor.Shapes(height, width, tensors.Values.Distinct().ToList());
        return tensors.ToDictionary(p => p.Key, p => shapes[p.Value]);
    }

    /// <summary>The larger of the layer's receptive fields along height and width (see <see cref="OnnxExecutor.FieldOf"/>).</summary>
    public ReceptiveField FieldOf(string layer)
    {
        var tensor = TensorFor(layer);
        var (height, width) = (_executor.FieldOf(tensor, 0), _executor.FieldOf(tensor, 1));
        if (height.Jump != width.Jump)
            throw new NeuralStyleException($"{Name}: layer '{layer}' has strides {height.Jump} and {width.Jump} along height and width; it cannot be tiled");
        return new ReceptiveField(height.Jump, Math.Min(height.Low, width.Low), Math.Max(height.High, width.High));
    }

    private readonly Dictionary<string, double> _valuesPerPixel = new();

    /// <summary>Counted once per set of layers (<see cref="OnnxExecutor.ValuesPerPixel"/>, a probe at a small size).</summary>
    public double? ValuesPerPixel(IReadOnlyCollection<string> layers, long? maxMemoryBytes = null)
    {
        var tensors = layers.Select(TensorFor).Distinct().Order(StringComparer.Ordinal).ToList();
        var key = string.Join("\n", tensors);
        lock (_valuesPerPixel)
        {
            if (!_valuesPerPixel.TryGetValue(key, out var values))
                _valuesPerPixel[key] = values = _executor.ValuesPerPixel(tensors, maxMemoryBytes);
            return values;
        }
    }

    public void Dispose() => _executor.Dispose();
}
