using Google.Protobuf;
using Onnx;

namespace NeuralStyle.Onnx;

/// <summary>
/// Reads an .onnx file into the generated ONNX protobuf classes (OnnxSharp), turning every way the
/// file can be wrong into one clear <see cref="NeuralStyleException"/> line.
/// </summary>
public static class OnnxModelFile
{
    public static ModelProto Load(string path)
    {
        NeuralStyle.Imaging.InputFile.Require(path, $"ONNX model '{path}'");
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new NeuralStyleException($"'{path}' is not an ONNX model (it does not parse as one)");
        }
        catch (IOException e)
        {
            throw new NeuralStyleException($"cannot read ONNX model '{path}': {e.Message}");
        }
        // Protobuf is permissive: many non-ONNX files parse into a message with unknown fields and no
        // graph, so "parsed" is not proof. A real model has a graph with at least one node.
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new NeuralStyleException($"'{path}' is not an ONNX model (it holds no graph)");
        return model;
    }
}
