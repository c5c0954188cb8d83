using Onnx;
using static TorchSharp.torch;

namespace NeuralStyle.Onnx;

/// <summary>
/// One node being evaluated: its inputs as tensors (null for omitted optional inputs) and typed
/// access to its attributes with ONNX defaults. Every error it raises names the op and the node,
/// so a user can find the culprit in a graph viewer.
/// </summary>
internal sealed class OnnxNodeContext
{
    private readonly NodeProto _node;
    private readonly Tensor?[] _inputs;

    public OnnxNodeContext(NodeProto node, Tensor?[] inputs)
    {
        _node = node;
        _inputs = inputs;
    }

    public string OpType => _node.OpType;

    /// <summary>"Conv node 'Convolution249'", for messages.</summary>
    public string Description => Describe(_node);

    public static string Describe(NodeProto node) =>
        $"{node.OpType} node '{(node.Name.Length > 0 ? node.Name : string.Join(",", node.Output))}'";

    public int InputCount => _inputs.Length;

    public Tensor Input(int index) =>
        Optional(index) ?? throw Error($"input {index} is missing");

    public Tensor? Optional(int index) => index < _inputs.Length ? _inputs[index] : null;

    public IEnumerable<Tensor> AllInputs() => _inputs.Select((_, i) => Input(i));

    /// <summary>A small integer tensor input (shape, pads) as plain numbers.</summary>
    public long[] Longs(int index) => Input(index).to(ScalarType.Int64).data<long>().ToArray();

    public bool Has(string name) => Find(name) is not null;

    public long Int(string name, long fallback) => Find(name)?.I ?? fallback;

    public float Float(string name, float fallback) => Find(name)?.F ?? fallback;

    public long[]? Ints(string name) => Find(name)?.Ints.ToArray();

    public float[]? Floats(string name) => Find(name)?.Floats.ToArray();

    public string String(string name, string fallback) => Find(name)?.S.ToStringUtf8() ?? fallback;

    public TensorProto? TensorAttribute(string name) => Find(name)?.T;

    public NeuralStyleException Error(string problem) => new($"{Description}: {problem}");

    private AttributeProto? Find(string name) => _node.Attribute.FirstOrDefault(a => a.Name == name);
}
