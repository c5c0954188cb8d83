using Razorvine.Pickle;
using TorchSharp;

namespace NeuralStyle.Weights;

/// <summary>
/// Loads PyTorch <c>torch.save</c> state dicts — both the zip format (torch >= 1.6) and the legacy
/// pickle format before it — into CPU tensors. Every problem with the file surfaces as one
/// <see cref="NeuralStyleException"/> line naming the file, never as a pickle or zip exception.
/// </summary>
public static class CheckpointLoader
{
    private static readonly byte[] ZipMagic = "PK\x03\x04"u8.ToArray();
    private const byte PickleProto = 0x80;

    /// <summary>
    /// Reads the state dict in <paramref name="path"/>, in the order it was saved. Tensors keep the
    /// element type they were saved with (float32 for the usual weights; see the overload to
    /// convert). Each tensor is an independent contiguous copy owned by the caller — dispose them,
    /// or load inside a dispose scope, which then owns them.
    /// </summary>
    public static Dictionary<string, torch.Tensor> Load(string path) => LoadCore(path, convertFloatsTo: null);

    /// <summary>
    /// As <see cref="Load(string)"/>, but converts every floating-point tensor (float16, bfloat16,
    /// float64, …) to <paramref name="floatType"/>. Integer tensors (e.g. BatchNorm's
    /// num_batches_tracked) keep their type: they are counters, not weights.
    /// </summary>
    public static Dictionary<string, torch.Tensor> Load(string path, torch.ScalarType floatType) =>
        LoadCore(path, floatType);

    private static Dictionary<string, torch.Tensor> LoadCore(string path, torch.ScalarType? convertFloatsTo)
    {
        NeuralStyle.Imaging.InputFile.Require(path, $"weights file '{path}'");

        try
        {
            // Everything made while reading (storages, views, half-built tensors after an error) is
            // freed with this scope; only the returned tensors are moved out of it.
            using var scope = torch.NewDisposeScope();
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var dict = ReadAnyFormat(stream);
            var result = new Dictionary<string, torch.Tensor>(dict.Count);
            foreach (var (name, tensor) in dict)
            {
                var value = convertFloatsTo is { } type && tensor.is_floating_point() && tensor.dtype != type
                    ? tensor.to_type(type)
                    : tensor;
                result[name] = value.MoveToOuterDisposeScope();
            }
            return result;
        }
        catch (Exception e) when (e is not NeuralStyleException)
        {
            throw new NeuralStyleException($"weights file '{path}' {Describe(e)}.", e);
        }
    }

    private static Dictionary<string, torch.Tensor> ReadAnyFormat(FileStream stream)
    {
        Span<byte> head = stackalloc byte[4];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read == 0)
            throw new CheckpointFormatException("is empty");
        stream.Position = 0;

        if (read == 4 && head.SequenceEqual(ZipMagic))
            return TorchUnpickler.WithConstructors(() => ZipCheckpointReader.Read(stream));
        // Legacy files are pickles, which start with the PROTO opcode and a protocol number.
        if (read >= 2 && head[0] == PickleProto && head[1] is >= 2 and <= 5)
            return TorchUnpickler.WithConstructors(() => LegacyCheckpointReader.Read(stream));
        throw new CheckpointFormatException(
            "is not a PyTorch checkpoint (neither the zip format of torch >= 1.6 nor the older pickle format)");
    }

    /// <summary>The problem phrase for the one-line message; the detail stays in the inner exception.</summary>
    private static string Describe(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is CheckpointFormatException format)
                return UserMessage.Clause(format.Message);
        return e switch
        {
            UnauthorizedAccessException => "cannot be read (permission denied)",
            EndOfStreamException => "is truncated",
            InvalidDataException => "is truncated or corrupt (its zip structure is damaged)",
            PickleException or InvalidCastException or IndexOutOfRangeException
                or ArgumentException or FormatException => "is truncated or corrupt",
            IOException io => "cannot be read: " + UserMessage.Clause(io.Message),
            _ => "is corrupt or not a PyTorch checkpoint",
        };
    }

    /// <summary>
    /// Throws if <paramref name="dict"/> lacks any of <paramref name="keys"/>, naming the first
    /// missing key, what it was needed for, and what the file does hold — the usual cause is a
    /// truncated or different model, and the message should make that obvious.
    /// </summary>
    /// <param name="purpose">What the keys are for, e.g. "layer conv4_1".</param>
    public static void RequireKeys(IReadOnlyDictionary<string, torch.Tensor> dict, IEnumerable<string> keys,
        string path, string purpose)
    {
        foreach (var key in keys)
        {
            if (dict.ContainsKey(key))
                continue;
            var holds = dict.Count == 0
                ? "it holds no tensors"
                : $"it holds {dict.Count} tensors, from '{dict.Keys.First()}' to '{dict.Keys.Last()}'";
            throw new NeuralStyleException($"weights file '{path}' has no '{key}' (needed for {purpose}); {holds}.");
        }
    }
}
