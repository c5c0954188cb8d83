using Onnx;
using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Onnx;

/// <summary>
/// Runs an ONNX graph with TorchSharp ops, differentiably with respect to its input, at any input
/// size (the sizes recorded in the file are ignored). Only the nodes the requested tensors depend on
/// are evaluated. Initializers become frozen tensors owned by the executor.
/// </summary>
public sealed partial class OnnxExecutor : IDisposable
{
    private readonly List<NodeProto> _nodes;
    private readonly Dictionary<string, int> _producer = new(); // tensor name → index of the node making it
    private readonly Dictionary<string, Tensor> _initializers = new();

    /// <summary>Where the graph came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The graph's one real (non-initializer) input.</summary>
    public string InputName { get; }

    /// <summary>Channels the input expects, from the file (3 when it does not say).</summary>
    public long InputChannels { get; }

    public static OnnxExecutor Load(string path) => new(OnnxModelFile.Load(path), path);

    /// <summary>The most nodes a graph may have: CNN feature extractors have tens to a few thousand
    /// (ResNet18: 69, ResNet152: about 500, EfficientNet-B7: about 4000); a graph beyond this is refused
    /// before any node runs, as its activations alone would exhaust memory.</summary>
    public const int MaxNodes = 20_000;

    /// <summary>The most weight values all initializers together may hold (16 GiB of float32).</summary>
    public const long MaxInitializerElements = 1L << 32;

    public OnnxExecutor(ModelProto model, string source)
    {
        Source = source;
        var graph = model.Graph;
        if (graph.Node.Count > MaxNodes)
            throw new NeuralStyleException($"{source}: the graph has {graph.Node.Count} nodes; at most {MaxNodes} are supported");
        var total = 0L;
        foreach (var init in graph.Initializer)
        {
            var elements = 1L;
            foreach (var d in init.Dims) elements = d <= 0 ? 0 : elements > MaxInitializerElements / d ? MaxInitializerElements + 1 : elements * d;
            total += Math.Min(elements, MaxInitializerElements + 1);
            if (total > MaxInitializerElements)
                throw new NeuralStyleException($"{source}: the initializers hold more than {MaxInitializerElements} values");
        }
        _nodes = graph.Node.ToList();
        foreach (var init in graph.Initializer)
        {
            using var read = OnnxTensorReader.Read(init, source);
            using var frozen = read.detach();
            // Convolution weights are stored channels-last, like the input in Run (see ChannelsLast).
            var stored = frozen.dim() == 4 && frozen.is_floating_point() ? ChannelsLast.Of(frozen) : frozen.alias();
            _initializers[init.Name] = stored.DetachFromDisposeScope();
        }

        // Old IR versions list every initializer among the inputs too; the image is the one that isn't.
        var inputs = graph.Input.Where(i => !_initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new NeuralStyleException($"{source}: the graph has {inputs.Count} inputs besides its weights; a feature network needs exactly one image input");
        InputName = inputs[0].Name;
        var dims = inputs[0].Type?.TensorType?.Shape?.Dim;
        InputChannels = dims is { Count: 4 } && dims[1].DimValue > 0 ? dims[1].DimValue : 3;

        for (var i = 0; i < _nodes.Count; i++)
            foreach (var output in _nodes[i].Output.Where(o => o.Length > 0))
                _producer[output] = i;
    }

    /// <summary>The dtype the floating-point weights are held in (float32 unless <see cref="UseComputeType"/> changed it).</summary>
    public ScalarType ComputeType { get; private set; } = ScalarType.Float32;

    /// <summary>
    /// Converts every floating-point initializer once, e.g. to bfloat16, so runs on an input of that
    /// dtype compute in it without converting weights per run. Integer initializers (shapes, axes) stay.
    /// </summary>
    public void UseComputeType(ScalarType type)
    {
        foreach (var name in _initializers.Keys.ToList())
        {
            var old = _initializers[name];
            if (!old.is_floating_point() || old.dtype == type) continue;
            // to() keeps the channels-last layout (see ChannelsLast).
            using var cast = old.to(type);
            _initializers[name] = cast.detach().DetachFromDisposeScope();
            old.Dispose();
        }
        ComputeType = type;
    }

    public bool HasTensor(string name) => name == InputName || _producer.ContainsKey(name) || _initializers.ContainsKey(name);

    /// <summary>
    /// Evaluates the graph on <paramref name="input"/> ([N, C, H, W], float32 or float64) and returns
    /// the named tensors. The caller owns (and disposes) the returned tensors; everything else made
    /// along the way is freed here. Gradients flow from the outputs back to <paramref name="input"/>.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Run(Tensor input, IReadOnlyCollection<string> outputs)
    {
        if (input.dim() != 4 || input.shape[1] != InputChannels)
            throw new NeuralStyleException(
                $"{Source} expects input [N, {InputChannels}, H, W], got [{string.Join(", ", input.shape)}]");
        return RunAnyRank(input, outputs);
    }

    /// <summary><see cref="Run"/> without the image-shape check, for graphs whose input is not an image.</summary>
    internal IReadOnlyDictionary<string, Tensor> RunAnyRank(Tensor input, IReadOnlyCollection<string> outputs)
    {
        var wanted = outputs.Distinct().ToList();
        foreach (var name in wanted)
            if (!HasTensor(name))
                throw new NeuralStyleException($"{Source} has no tensor named '{name}'");

        var plan = Plan(wanted);
        foreach (var index in plan) OnnxOps.RequireSupported(_nodes[index], Source);
        var lastUse = LastUses(plan);

        var results = new Dictionary<string, Tensor>();
        using var scope = NewDisposeScope();
        var values = new Dictionary<string, Tensor>();
        // Channels-last runs the convolutions faster; the weights were stored so at load.
        if (input.dim() == 4) input = ChannelsLast.Of(input);
        for (var step = 0; step < plan.Count; step++)
        {
            var node = _nodes[plan[step]];
            var inputs = node.Input.Select(name => name.Length == 0 ? null : Value(name, input, values)).ToArray();
            values[node.Output[0]] = Evaluate(node, inputs);
            // Free intermediate handles as soon as no later node reads them (autograd keeps what it needs).
            foreach (var name in node.Input.Distinct())
                if (lastUse.GetValueOrDefault(name) == step && !wanted.Contains(name) && values.Remove(name, out var done))
                    done.Dispose();
        }
        foreach (var name in wanted)
            results[name] = Value(name, input, values).alias().MoveToOuterDisposeScope();
        return results;
    }

    /// <summary>Shapes of the named tensors for an input of the given size, without keeping gradients.</summary>
    public IReadOnlyDictionary<string, long[]> Shapes(long height, long width, IReadOnlyCollection<string> names)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        using var probe = torch.zeros(1, InputChannels, height, width);
        return Run(probe, names).ToDictionary(p => p.Key, p => p.Value.shape);
    }

    // The nodes the wanted tensors depend on, in graph order (ONNX stores nodes topologically sorted).
    private List<int> Plan(IEnumerable<string> wanted)
    {
        var needed = new HashSet<int>();
        var pending = new Stack<string>(wanted);
        while (pending.TryPop(out var name))
        {
            if (!_producer.TryGetValue(name, out var index) || !needed.Add(index)) continue;
            var node = _nodes[index];
            if (node.Output[0] != name)
                throw new NeuralStyleException($"{Source}: tensor '{name}' is a secondary output of {OnnxNodeContext.Describe(node)}, which is not supported");
            foreach (var input in node.Input.Where(i => i.Length > 0)) pending.Push(input);
        }
        return needed.Order().ToList();
    }

    private Dictionary<string, int> LastUses(List<int> plan)
    {
        var lastUse = new Dictionary<string, int>();
        for (var step = 0; step < plan.Count; step++)
            foreach (var name in _nodes[plan[step]].Input)
                if (_producer.ContainsKey(name)) lastUse[name] = step;
        return lastUse;
    }

    private Tensor Value(string name, Tensor input, Dictionary<string, Tensor> values)
    {
        if (values.TryGetValue(name, out var value)) return value;
        if (name == InputName) return input;
        if (_initializers.TryGetValue(name, out var init))
        {
            // Weights are stored as float32; a float64 input (gradient checks) gets float64 copies for this run.
            if (init.is_floating_point() && init.dtype != input.dtype)
                return values[name] = init.to(input.dtype);
            return init;
        }
        throw new NeuralStyleException($"{Source}: tensor '{name}' is used before any node produces it");
    }

    private Tensor Evaluate(NodeProto node, Tensor?[] inputs)
    {
        try
        {
            return OnnxOps.Run(node, inputs, Source);
        }
        catch (Exception e) when (e is not NeuralStyleException)
        {
            // Typically an input too small for a kernel; torch's message is long, its first line says why.
            var shapes = string.Join(", ", inputs.Where(t => t is not null).Select(t => $"[{string.Join(",", t!.shape)}]"));
            var reason = e.Message.Split('\n')[0].Trim();
            throw new NeuralStyleException($"{Source}: {OnnxNodeContext.Describe(node)} failed on inputs {shapes}: {reason}");
        }
    }

    public void Dispose()
    {
        foreach (var tensor in _initializers.Values) tensor.Dispose();
        _initializers.Clear();
    }
}
