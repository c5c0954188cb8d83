using Google.Protobuf;
using Onnx;

namespace NeuralStyle.Tests.Onnx;

/// <summary>
/// Builds small ONNX models in memory with the protobuf classes, so each op can be tested on a
/// hand-made graph that both our executor and ONNX Runtime run.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private const int FloatType = 1, Int64Type = 7;
    private readonly GraphProto _graph = new() { Name = "test" };
    private readonly long _opset;
    private int _nodeCount;

    public OnnxGraphBuilder(long opset = 13) => _opset = opset;

    public OnnxGraphBuilder Input(string name, params long[] shape)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = FloatType, Shape = new TensorShapeProto() };
        foreach (var d in shape) tensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        _graph.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } });
        return this;
    }

    public OnnxGraphBuilder Weight(string name, float[] data, params long[] dims)
    {
        _graph.Initializer.Add(FloatTensor(name, data, dims));
        return this;
    }

    /// <summary>A weight filled with reproducible values in [-1, 1).</summary>
    public OnnxGraphBuilder RandomWeight(string name, int seed, params long[] dims) =>
        Weight(name, RandomValues(seed, (int)dims.Aggregate(1L, (p, d) => p * d)), dims);

    /// <summary>Like <see cref="Weight"/>, but stored as little-endian raw_data bytes, as most exporters do.</summary>
    public OnnxGraphBuilder RawWeight(string name, float[] data, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = FloatType, RawData = ByteString.CopyFrom(data.SelectMany(BitConverter.GetBytes).ToArray()) };
        tensor.Dims.Add(dims);
        _graph.Initializer.Add(tensor);
        return this;
    }

    public OnnxGraphBuilder Int64Weight(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = Int64Type };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        _graph.Initializer.Add(tensor);
        return this;
    }

    public OnnxGraphBuilder Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{_nodeCount++}" };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return this;
    }

    public OnnxGraphBuilder Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = FloatType } },
        });
        return this;
    }

    public ModelProto Build()
    {
        // IR 7 with opset ≤ 13 is what ONNX Runtime expects of files of that era.
        var model = new ModelProto { IrVersion = 7, ProducerName = "NeuralStyle.Tests", Graph = _graph.Clone() };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _opset });
        return model;
    }

    public string Save(string path)
    {
        File.WriteAllBytes(path, Build().ToByteArray());
        return path;
    }

    public static TensorProto FloatTensor(string name, float[] data, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = FloatType };
        tensor.Dims.Add(dims);
        tensor.FloatData.Add(data);
        return tensor;
    }

    public static float[] RandomValues(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Tensor(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };
}
