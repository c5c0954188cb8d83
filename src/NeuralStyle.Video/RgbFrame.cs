using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Video;

/// <summary>One decoded video frame: 8-bit RGB, row-major, 3 bytes a pixel (as ffmpeg's rawvideo rgb24 gives it).</summary>
public sealed class RgbFrame
{
    public RgbFrame(int width, int height, byte[] pixels)
    {
        if (pixels.Length != width * height * 3)
            throw new ArgumentException($"{width}×{height} RGB needs {width * height * 3} bytes, not {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    /// <summary>RGB [1,3,H,W] in [0,1] (a new tensor the caller owns).</summary>
    public Tensor ToTensor()
    {
        using var scope = torch.NewDisposeScope();
        var bytes = torch.tensor(Pixels, dtype: ScalarType.Byte).reshape(Height, Width, 3);
        return bytes.permute(2, 0, 1).unsqueeze(0).to(ScalarType.Float32).div_(255).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>From RGB [1,3,H,W] in [0,1], rounded to 8 bits.</summary>
    public static RgbFrame FromTensor(Tensor rgb)
    {
        using var scope = torch.NewDisposeScope();
        var hwc = rgb.squeeze(0).permute(1, 2, 0).mul(255).round_().clamp_(0, 255).to(ScalarType.Byte).contiguous();
        return new RgbFrame((int)hwc.shape[1], (int)hwc.shape[0], hwc.data<byte>().ToArray());
    }

    /// <summary>Luma (ITU-R BT.601 weights, as OpenCV's RGB2GRAY), one byte a pixel: what optical flow is computed on.</summary>
    public byte[] Gray()
    {
        var gray = new byte[Width * Height];
        for (var i = 0; i < gray.Length; i++)
        {
            var p = 3 * i;
            gray[i] = (byte)Math.Round(0.299 * Pixels[p] + 0.587 * Pixels[p + 1] + 0.114 * Pixels[p + 2]);
        }
        return gray;
    }
}
