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

    /// <summary>The most elements one tensor may hold: 2^31 (8 GiB of float32), far above any CNN layer's weights.</summary>
    public const long MaxElements = 1L << 31;

    public static Tensor Read(TensorProto proto, string where)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            throw new NeuralStyleException($"{where}: tensor '{proto.Name}' keeps its data in an external file, which is not supported");
        var dims = proto.Dims.ToArray();
        var raw = proto.RawData.Span;
        CheckSize(proto, dims, where);
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

    /// <summary>
    /// The dims must be ≥ 0, their product bounded, and the data must hold exactly that many elements:
    /// a file that says otherwise is corrupt or hostile, and torch would fail with a stack trace or
    /// allocate what the dims claim.
    /// </summary>
    private static void CheckSize(TensorProto proto, long[] dims, string where)
    {
        var name = $"{where}: tensor '{proto.Name}'";
        if (dims.Length > 8) throw new NeuralStyleException($"{name} has {dims.Length} dimensions; at most 8 are supported");
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw new NeuralStyleException($"{name} has a negative dimension ({string.Join("×", dims)})");
            if (d > MaxElements || (d > 0 && count > MaxElements / d))
                throw new NeuralStyleException($"{name} is too large ({string.Join("×", dims)} elements; the limit is {MaxElements})");
            count *= d;
        }
        var elementSize = proto.DataType switch { Float or Int32 => 4, Int64 or Double => 8, Float16 => 2, _ => 0 };
        if (elementSize == 0) return; // unsupported type: Read names it
        var raw = proto.RawData.Length;
        long stored = raw > 0
            ? (raw % elementSize == 0 ? raw / elementSize : -1)
            : proto.DataType switch
            {
                Float => proto.FloatData.Count,
                Double => proto.DoubleData.Count,
                Int64 => proto.Int64Data.Count,
                _ => proto.Int32Data.Count,
            };
        if (stored != count)
            throw new NeuralStyleException(stored < 0
                ? $"{name} holds {raw} bytes of data, not a whole number of {elementSize}-byte elements"
                : $"{name} holds {stored} values but its dims ({string.Join("×", dims)}) need {count}");
    }
}
