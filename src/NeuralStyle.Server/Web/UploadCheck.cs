using NeuralStyle.Imaging;
using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Server.Web;

/// <summary>
/// Whether uploaded bytes are an image this service takes, in two steps of very different cost. <see cref="Inspect"/>
/// reads the header only (never the file name or the content type the browser sent): an image at all, within the pixel
/// limit (decompression bombs), not absurdly thin. <see cref="Decode"/> then decodes every pixel row once, a row at a time
/// (truncated or corrupt files), and runs only after every cheap check of the whole request has passed.
/// </summary>
public static class UploadCheck
{
    /// <summary>The image's upright size from its header; throws a <see cref="NeuralStyleException"/> with one line for the
    /// page when it will not do.</summary>
    public static ImageSize Inspect(byte[] bytes, string name, ServiceLimits limits)
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
        var shortest = Math.Min(size.Width, size.Height);
        if ((double)Math.Max(size.Width, size.Height) / shortest > limits.MaxAspectRatio)
            throw new NeuralStyleException(
                $"{name} is {size.Width}×{size.Height}: one side is more than {limits.MaxAspectRatio:0.#} times the other, too thin to paint (crop it first)");
        return size;
    }

    /// <summary>Both steps at once, for images that come one by one from the user's own files (batch).</summary>
    public static void Require(byte[] bytes, string name, ServiceLimits limits)
    {
        Inspect(bytes, name, limits);
        Decode(bytes, name);
    }

    /// <summary>Decodes every row once (a row's memory); throws when the file is truncated or corrupt.</summary>
    public static void Decode(byte[] bytes, string name)
    {
        try
        {
            using var encoded = EncodedImage.FromBytes(bytes, name);
            encoded.CheckDecodes();
        }
        catch (NeuralStyleException e)
        {
            throw new NeuralStyleException($"{name} cannot be decoded: {UserMessage.Clause(e.Message)}");
        }
    }
}
