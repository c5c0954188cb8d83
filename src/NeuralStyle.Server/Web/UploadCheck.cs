using NeuralStyle.Imaging;
using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Server.Web;

/// <summary>
/// Whether uploaded bytes are an image this service takes: recognised by decoding them (never by the file name
/// or the content type the browser sent), within the pixel limit (read from the header, before any pixel is
/// decoded: decompression bombs), and whole (a small decode of every pixel row finds truncated files).
/// </summary>
public static class UploadCheck
{
    /// <summary>Throws a <see cref="NeuralStyleException"/> with one line for the page when <paramref name="bytes"/> will not do.</summary>
    public static void Require(byte[] bytes, string name, ServiceLimits limits)
    {
        if (bytes.Length == 0) throw new NeuralStyleException($"{name} is empty");
        ImageSize size;
        try
        {
            using var encoded = EncodedImage.FromBytes(bytes, name);
            size = encoded.Upright;
        }
        catch (NeuralStyleException e) when (e.Message.Contains("megapixels"))
        {
            // Beyond even the library's own limit (read from the header too).
            throw new NeuralStyleException($"{name} has more than this server's limit of {limits.MaxInputPixels / 1e6:0.#} megapixels");
        }
        catch (NeuralStyleException)
        {
            throw new NeuralStyleException($"{name} is not an image (use JPEG, PNG, WebP, BMP or GIF)");
        }
        if (size.Pixels > limits.MaxInputPixels)
            throw new NeuralStyleException(
                $"{name} is {size.Width}×{size.Height} ({size.Pixels / 1e6:0.#} megapixels), above this server's limit of {limits.MaxInputPixels / 1e6:0.#} megapixels");
        using var source = ImageSource.FromBytes(bytes, name);
        var small = size.WithLongestSide(Math.Min(64, Math.Max(size.Width, size.Height)));
        try
        {
            using var _ = source.Load(small.Width, small.Height);
        }
        catch (NeuralStyleException e)
        {
            throw new NeuralStyleException($"{name} cannot be decoded: {UserMessage.Clause(e.Message)}");
        }
    }
}
