using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using TorchSharp;

namespace NeuralStyle.Tests.Support;

/// <summary>
/// Reads NumPy .npy files (format versions 1–3, little-endian float32 '&lt;f4' or float64 '&lt;f8',
/// C order) into float32 tensors, so tests can compare against reference arrays computed by PyTorch.
/// Anything else throws: a reference silently misread would make a comparison meaningless.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static torch.Tensor Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not a .npy file");

        // Version 1 has a 2-byte header length; versions 2 and 3 a 4-byte one.
        var major = bytes[6];
        var (headerLength, headerStart) = major switch
        {
            1 => ((int)BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)), 10),
            2 or 3 => ((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), 12),
            _ => throw new InvalidDataException($"{path}: unsupported .npy version {major}"),
        };
        var header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        var descr = DescrPattern().Match(header) is { Success: true } d ? d.Groups[1].Value
            : throw new InvalidDataException($"{path}: header has no descr");
        if (!FortranPattern().Match(header).Success)
            throw new InvalidDataException($"{path}: only C-order arrays are supported");
        var shapeText = ShapePattern().Match(header) is { Success: true } s ? s.Groups[1].Value
            : throw new InvalidDataException($"{path}: header has no shape");
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(long.Parse).ToArray();
        var count = shape.Aggregate(1L, (a, b) => a * b);

        var data = bytes.AsSpan(headerStart + headerLength);
        var values = new float[count];
        switch (descr)
        {
            case "<f4":
                Require(data.Length, count * 4, path);
                for (var i = 0; i < count; i++)
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]);
                break;
            case "<f8":
                Require(data.Length, count * 8, path);
                for (var i = 0; i < count; i++)
                    values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]);
                break;
            default:
                throw new InvalidDataException($"{path}: unsupported dtype {descr}");
        }
        return torch.tensor(values, shape);
    }

    private static void Require(int have, long need, string path)
    {
        if (have < need)
            throw new InvalidDataException($"{path}: truncated data ({have} bytes, {need} needed)");
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*False")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
