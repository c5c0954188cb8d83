using System.Buffers.Binary;
using System.IO.Compression;

namespace NeuralStyle.Imaging;

/// <summary>
/// Whether a PNG holds all the pixel data its header promises, found by inflating its image data through a small buffer
/// and counting, without keeping a pixel: a 7000×5700 PNG of zeros (38 KB) costs an inflate of 40 MB, not a 160 MB
/// bitmap. (Skia cannot decode PNG row by row.) It checks what a truncated or damaged file breaks: the chunk sequence
/// up to IEND, the zlib stream (its checksum included), the amount of data, and each row's filter byte.
/// </summary>
internal static class PngStructure
{
    /// <summary>Null when the image data is whole; else "truncated" or what is corrupt.</summary>
    public static string? Problem(ReadOnlySpan<byte> png)
    {
        if (png.Length < 8 + 25 || !png[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "corrupt";
        var compressed = new MemoryStream();
        long width = 0, height = 0;
        int bitsPerPixel = 0, interlace = 0;
        var position = 8;
        var ended = false;
        while (!ended)
        {
            if (position + 8 > png.Length) return "truncated";
            var length = BinaryPrimitives.ReadUInt32BigEndian(png[position..]);
            var type = png.Slice(position + 4, 4);
            var start = position + 8;
            if (length > int.MaxValue || start + (long)length + 4 > png.Length) return "truncated";
            var data = png.Slice(start, (int)length);
            if (type.SequenceEqual("IHDR"u8))
            {
                if (length < 13) return "corrupt";
                width = BinaryPrimitives.ReadUInt32BigEndian(data);
                height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                var channels = data[9] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
                bitsPerPixel = channels * data[8];
                interlace = data[12];
                if (bitsPerPixel == 0 || width == 0 || height == 0) return "corrupt";
            }
            else if (type.SequenceEqual("IDAT"u8)) compressed.Write(data);
            else if (type.SequenceEqual("IEND"u8)) ended = true;
            position = start + (int)length + 4;
        }
        if (bitsPerPixel == 0 || compressed.Length == 0) return "corrupt";

        var rows = Rows(width, height, bitsPerPixel, interlace == 1).ToList();
        compressed.Position = 0;
        using var inflate = new ZLibStream(compressed, CompressionMode.Decompress);
        var buffer = new byte[1 << 16];
        var rowIndex = 0;
        long intoRow = 0; // bytes of the current row (filter byte + pixels) seen so far
        try
        {
            int read;
            while (rowIndex < rows.Count && (read = inflate.Read(buffer)) > 0)
            {
                for (var i = 0; i < read && rowIndex < rows.Count;)
                {
                    if (intoRow == 0 && buffer[i] > 4) return "corrupt (a row has an unknown filter)";
                    var take = (int)Math.Min(read - i, rows[rowIndex] - intoRow);
                    i += take;
                    intoRow += take;
                    if (intoRow == rows[rowIndex])
                    {
                        rowIndex++;
                        intoRow = 0;
                    }
                }
            }
            if (rowIndex < rows.Count) return "truncated";
            while (inflate.Read(buffer) > 0)
            {
                // Read to the end, so the stream's checksum is checked too.
            }
        }
        catch (InvalidDataException)
        {
            return "corrupt (its compressed data is damaged)";
        }
        return null;
    }

    /// <summary>The length of every row of image data (filter byte included), in file order: Adam7's seven passes when interlaced.</summary>
    private static IEnumerable<long> Rows(long width, long height, int bitsPerPixel, bool interlaced)
    {
        var passes = interlaced
            ? new (int X0, int Y0, int Dx, int Dy)[] { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) }
            : [(0, 0, 1, 1)];
        foreach (var (x0, y0, dx, dy) in passes)
        {
            var passWidth = (width - x0 + dx - 1) / dx;
            var passHeight = (height - y0 + dy - 1) / dy;
            if (passWidth <= 0 || passHeight <= 0) continue;
            var rowBytes = 1 + (passWidth * bitsPerPixel + 7) / 8;
            for (long y = 0; y < passHeight; y++) yield return rowBytes;
        }
    }
}
