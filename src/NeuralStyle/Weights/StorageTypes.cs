using TorchSharp;

namespace NeuralStyle.Weights;

/// <summary>
/// PyTorch names a storage by its legacy class (torch.FloatStorage, torch.HalfStorage, …) in both
/// checkpoint formats; this maps those names to TorchSharp element types. Anything else
/// (quantized, complex, …) is rejected with a clear message rather than misread.
/// </summary>
internal static class StorageTypes
{
    private static readonly Dictionary<string, torch.ScalarType> ByName = new()
    {
        ["FloatStorage"] = torch.ScalarType.Float32,
        ["DoubleStorage"] = torch.ScalarType.Float64,
        ["HalfStorage"] = torch.ScalarType.Float16,
        ["BFloat16Storage"] = torch.ScalarType.BFloat16,
        ["LongStorage"] = torch.ScalarType.Int64,
        ["IntStorage"] = torch.ScalarType.Int32,
        ["ShortStorage"] = torch.ScalarType.Int16,
        ["CharStorage"] = torch.ScalarType.Int8,
        ["ByteStorage"] = torch.ScalarType.Byte,
        ["BoolStorage"] = torch.ScalarType.Bool,
    };

    public static IEnumerable<string> Names => ByName.Keys;

    public static torch.ScalarType ScalarTypeOf(string name) =>
        ByName.TryGetValue(name, out var type)
            ? type
            : throw new CheckpointFormatException($"uses the unsupported storage type torch.{name}");

    public static int ElementSize(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float64 or torch.ScalarType.Int64 => 8,
        torch.ScalarType.Float32 or torch.ScalarType.Int32 => 4,
        torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Int16 => 2,
        _ => 1,
    };
}
