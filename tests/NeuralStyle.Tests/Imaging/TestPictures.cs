using System.Buffers.Binary;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Imaging;

/// <summary>
/// Pictures built in code, so tests know exactly what every pixel should be, plus byte-level
/// surgery on encoded files (EXIF segments, PNG headers) that no encoder will produce on request.
/// </summary>
public static class TestPictures
{
    public static readonly SKColor Red = new(255, 0, 0);
    public static readonly SKColor Green = new(0, 255, 0);
    public static readonly SKColor Blue = new(0, 0, 255);
    public static readonly SKColor Yellow = new(255, 255, 0);

    /// <summary>A width×height bitmap with four solid quadrants: red, green / blue, yellow.</summary>
    public static SKBitmap Quadrants(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        void Fill(SKColor c, int x, int y) { using var p = new SKPaint { Color = c }; canvas.DrawRect(x, y, width / 2f, height / 2f, p); }
        Fill(Red, 0, 0);
        Fill(Green, width / 2, 0);
        Fill(Blue, 0, height / 2);
        Fill(Yellow, width / 2, height / 2);
        return bitmap;
    }

    public static byte[] EncodeJpeg(SKBitmap bitmap, int quality = 100)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    public static byte[] EncodePng(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// The JPEG with an APP1 Exif segment holding only Orientation = <paramref name="orientation"/>,
    /// inserted right after the SOI marker where cameras put it.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        Assert.True(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
        var tiff = new byte[]
        {
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD0 at 8
            0x00, 0x01,                                               // one entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,           // tag 0x0112 Orientation, SHORT, count 1
            (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,  // value, padded to 4 bytes
            0x00, 0x00, 0x00, 0x00,                                   // no next IFD
        };
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = payload.Length + 2; // the length field counts itself
        var segment = new byte[] { 0xFF, 0xE1, (byte)(length >> 8), (byte)length }.Concat(payload);
        return jpeg.Take(2).Concat(segment).Concat(jpeg.Skip(2)).ToArray();
    }

    /// <summary>
    /// A small valid PNG whose IHDR claims <paramref name="width"/>×<paramref name="height"/>, with
    /// a correct CRC so decoders accept the header (the pixel data is of course far too short).
    /// </summary>
    /// <summary>Writes one PNG chunk: length, type, data and its CRC-32.</summary>
    public static void PngChunk(Stream output, string type, byte[] data)
    {
        var header = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        output.Write(header);
        output.Write(data);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. header.AsSpan(4).ToArray(), .. data]));
        output.Write(crc);
    }

    public static byte[] PngClaimingSize(int width, int height)
    {
        using var tiny = new SKBitmap(new SKImageInfo(4, 4, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var png = EncodePng(tiny);
        // Signature (8) then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4), ...
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        var ihdrLength = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(8));
        var crc = Crc32(png.AsSpan(12, 4 + ihdrLength));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16 + ihdrLength), crc);
        return png;
    }

    /// <summary>A [1,3,h,w] tensor of random 8-bit levels (k/255), so an 8-bit round trip can be exact.</summary>
    public static Tensor RandomLevels(int height, int width, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var levels = randint(0, 256, [1, 3, height, width], generator: generator);
        return levels.to(ScalarType.Float32).div_(255f);
    }

    /// <summary>Mean R, G, B of a [1,3,H,W] tensor.</summary>
    public static float[] MeanColour(Tensor image)
    {
        using var mean = image.mean([0, 2, 3]);
        return mean.data<float>().ToArray();
    }

    /// <summary>The RGB of pixel (row, col) of a [1,3,H,W] tensor.</summary>
    public static float[] PixelAt(Tensor image, long row, long col)
    {
        using var pixel = image[0, TensorIndex.Colon, row, col].contiguous();
        return pixel.data<float>().ToArray();
    }

    public static void AssertColour(SKColor expected, float[] actual, float tolerance, string because)
    {
        float[] want = [expected.Red / 255f, expected.Green / 255f, expected.Blue / 255f];
        for (var c = 0; c < 3; c++)
            Assert.True(Math.Abs(want[c] - actual[c]) <= tolerance,
                $"{because}: expected ({string.Join(", ", want)}) but got ({string.Join(", ", actual.Select(v => v.ToString("0.###")))})");
    }

    /// <summary>The CRC-32 of PNG chunks (type and data).</summary>
    internal static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
