using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace NeuralStyle.Tests.Onnx;

/// <summary>
/// ONNX Runtime as the reference implementation: runs a model file on a float input and returns the
/// requested outputs. Also rewrites models so intermediate tensors become graph outputs.
/// </summary>
public static class OrtOracle
{
    public static Dictionary<string, (float[] Data, long[] Shape)> Run(string modelPath, string inputName,
        float[] input, long[] shape, IReadOnlyCollection<string> outputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        var tensor = new DenseTensor<float>(input, shape.Select(d => (int)d).ToArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)], outputs.ToList());
        return results.ToDictionary(
            r => r.Name,
            r =>
            {
                var t = r.AsTensor<float>();
                return (t.ToArray(), t.Dimensions.ToArray().Select(d => (long)d).ToArray());
            });
    }

    /// <summary>
    /// Copies <paramref name="sourcePath"/> to <paramref name="targetPath"/> with the given tensors as
    /// the only graph outputs. With <paramref name="anySize"/>, the input's H and W become symbolic and
    /// the recorded intermediate shapes are dropped, so ONNX Runtime accepts other image sizes; nodes
    /// no output needs are removed (the final 7×7 pooling cannot run on smaller maps).
    /// </summary>
    public static void ExposeOutputs(string sourcePath, string targetPath, IReadOnlyCollection<string> outputs, bool anySize)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(sourcePath));
        var graph = model.Graph;
        graph.Output.Clear();
        foreach (var name in outputs)
            graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } },
            });
        if (anySize)
        {
            graph.ValueInfo.Clear();
            var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
            var input = graph.Input.First(i => !initializers.Contains(i.Name));
            var dims = input.Type.TensorType.Shape.Dim;
            dims[2] = new TensorShapeProto.Types.Dimension { DimParam = "height" };
            dims[3] = new TensorShapeProto.Types.Dimension { DimParam = "width" };
            PruneUnused(graph, outputs);
        }
        File.WriteAllBytes(targetPath, model.ToByteArray());
    }

    private static void PruneUnused(GraphProto graph, IEnumerable<string> outputs)
    {
        var needed = new HashSet<string>(outputs);
        var keep = new List<NodeProto>();
        foreach (var node in graph.Node.Reverse())
        {
            if (!node.Output.Any(needed.Contains)) continue;
            keep.Add(node);
            foreach (var input in node.Input) needed.Add(input);
        }
        keep.Reverse();
        graph.Node.Clear();
        graph.Node.Add(keep);
    }
}
