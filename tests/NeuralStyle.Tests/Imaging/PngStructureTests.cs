using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NeuralStyle.Imaging;
using NeuralStyle.Tests.Support;
using SkiaSharp;

namespace NeuralStyle.Tests.Imaging;

/// <summary>
/// The PNG check that keeps no pixel (<see cref="PngStructure"/>), against Skia's full decode as the oracle: on real
/// PNGs cut at many lengths they agree on which are whole; interlaced files, damaged data and unknown row filters too.
/// </summary>
public class PngStructureTests
{
    [Fact]
    public void RealPngsCutAnywhereAreWholeExactlyWhenSkiaDecodesThemWhole()
    {
        var checkedCuts = 0;
        foreach (var name in new[] { "chelsea.png", "coffee.png" })
        {
            var png = File.ReadAllBytes(Path.Combine(SharedFiles.RepoRoot, "examples", name));
            Assert.Null(PngStructure.Problem(png));
            // Cuts across the file, the last bytes (IEND, the final CRC) included.
            var cuts = Enumerable.Range(1, 24).Select(i => png.Length * i / 25).Concat([png.Length - 1, png.Length - 12, png.Length - 13]);
            foreach (var length in cuts)
            {
                var cut = png[..length];
                var skiaWhole = SkiaDecodesWhole(cut);
                var problem = PngStructure.Problem(cut);
                // Skia tolerates a missing IEND (all pixels are there); we ask for the whole file, so only the other way is an error.
                Assert.False(skiaWhole is false && problem is null, $"{name} cut to {length} bytes: Skia cannot decode it, the check passed it");
                if (length < png.Length - 12) Assert.Equal("truncated", problem);
                checkedCuts++;
            }
        }
        Assert.True(checkedCuts >= 50);
    }

    [Fact]
    public void InterlacedDamagedAndBadlyFilteredPngsAreToldApart()
    {
        // An Adam7-interlaced 37×23 RGB PNG (odd sizes, so passes have uneven rows): whole, and Skia agrees.
        var interlaced = Png(37, 23, colorType: 2, interlaced: true);
        Assert.True(SkiaDecodesWhole(interlaced));
        Assert.Null(PngStructure.Problem(interlaced));
        Assert.Null(PngStructure.Problem(Png(37, 23, colorType: 2, interlaced: false)));

        // Less data than the header promises (the zlib stream is complete, the rows are not): truncated.
        Assert.Equal("truncated", PngStructure.Problem(Png(37, 23, colorType: 2, interlaced: false, rowsMissing: 3)));
        // A damaged compressed stream.
        var damaged = Png(64, 64, colorType: 6, interlaced: false);
        var idat = IndexOf(damaged, "IDAT"u8) + 4;
        damaged[idat + 10] ^= 0xFF;
        Assert.StartsWith("corrupt", PngStructure.Problem(damaged));
        Assert.False(SkiaDecodesWhole(damaged));
        // A row filter that does not exist (5).
        Assert.StartsWith("corrupt", PngStructure.Problem(Png(16, 16, colorType: 0, interlaced: false, filter: 5)));
        // Not a PNG at all.
        Assert.Equal("corrupt", PngStructure.Problem("GIF89a and a good deal more text than a header"u8.ToArray()));
    }

    private static bool SkiaDecodesWhole(byte[] bytes)
    {
        using var codec = SKCodec.Create(new MemoryStream(bytes));
        if (codec is null) return false;
        using var bitmap = new SKBitmap(codec.Info.Width, codec.Info.Height);
        return codec.GetPixels(bitmap.Info, bitmap.GetPixels()) == SKCodecResult.Success;
    }

    /// <summary>A PNG of 8-bit samples with a pattern, written by hand (Skia writes no interlaced PNG).</summary>
    private static byte[] Png(int width, int height, byte colorType, bool interlaced, int rowsMissing = 0, byte filter = 0)
    {
        var channels = colorType switch { 0 => 1, 2 => 3, 6 => 4, _ => throw new ArgumentException("colour type") };
        var passes = interlaced
            ? new (int X0, int Y0, int Dx, int Dy)[] { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) }
            : [(0, 0, 1, 1)];
        var raw = new MemoryStream();
        var rows = new List<byte[]>();
        foreach (var (x0, y0, dx, dy) in passes)
        {
            var w = (width - x0 + dx - 1) / dx;
            var h = (height - y0 + dy - 1) / dy;
            if (w <= 0 || h <= 0) continue;
            for (var y = 0; y < h; y++)
            {
                var row = new byte[1 + w * channels];
                row[0] = filter;
                for (var i = 1; i < row.Length; i++) row[i] = (byte)(i * 7 + y * 13);
                rows.Add(row);
            }
        }
        foreach (var row in rows.Take(rows.Count - rowsMissing)) raw.Write(row);
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = colorType;
        ihdr[12] = (byte)(interlaced ? 1 : 0);
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        TestPictures.PngChunk(png, "IHDR", ihdr);
        TestPictures.PngChunk(png, "IDAT", compressed.ToArray());
        TestPictures.PngChunk(png, "IEND", []);
        return png.ToArray();
    }


    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
