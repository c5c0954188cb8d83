using System.Runtime.InteropServices;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Onnx;

/// <summary>
/// Turns an ONNX TensorProto (initializer or Constant value) into a TorchSharp tensor. Floating
/// point data becomes float32 (the executor's working precision); integer data becomes int64,
/// which is all shape-like inputs (Reshape's shape, Pad's pads) need.
/// </summary>
internal static class OnnxTensorReader
{
    // TensorProto.DataType codes (onnx.proto): only the ones a CNN feature extractor plausibly holds.
    private const int Float = 1, Int32 = 6, Int64 = 7, Float16 = 10, Double = 11;

    public static Tensor Read(TensorProto proto, string where)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            throw new NeuralStyleException($"{where}: tensor '{proto.Name}' keeps its data in an external file, which is not supported");
        var dims = proto.Dims.ToArray();
        var raw = proto.RawData.Span;
        switch (proto.DataType)
        {
            case Float:
                return torch.tensor(raw.Length > 0 ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : proto.FloatData.ToArray(), dims);
            case Double:
                return torch.tensor(raw.Length > 0 ? MemoryMarshal.Cast<byte, double>(raw).ToArray() : proto.DoubleData.ToArray(), dims)
                    .to(ScalarType.Float32);
            case Float16:
                // float16 arrives as raw bytes, or as uint16 bit patterns widened into int32_data.
                var halves = raw.Length > 0
                    ? MemoryMarshal.Cast<byte, Half>(raw).ToArray()
                    : proto.Int32Data.Select(bits => BitConverter.UInt16BitsToHalf((ushort)bits)).ToArray();
                return torch.tensor(halves.Select(h => (float)h).ToArray(), dims);
            case Int64:
                return torch.tensor(raw.Length > 0 ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : proto.Int64Data.ToArray(), dims);
            case Int32:
                var ints = raw.Length > 0 ? MemoryMarshal.Cast<byte, int>(raw).ToArray() : proto.Int32Data.ToArray();
                return torch.tensor(ints.Select(i => (long)i).ToArray(), dims);
            default:
                throw new NeuralStyleException($"{where}: tensor '{proto.Name}' has ONNX data type {proto.DataType}, which is not supported");
        }
    }
}
