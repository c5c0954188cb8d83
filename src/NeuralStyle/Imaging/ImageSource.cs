using System.Security.Cryptography;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Imaging;

/// <summary>
/// An input image of a style transfer session, wherever it comes from: a file, a stream, encoded bytes
/// (PNG, JPEG, WebP…), a decoded bitmap or an RGB tensor. A session loads it at each scale's size, so it
/// keeps what it needs until it is disposed (a tensor or bitmap is copied; the caller keeps its own).
/// </summary>
public abstract class ImageSource : IDisposable
{
    private string? _sha256;

    private protected ImageSource(string name) => Name = name;

    /// <summary>How messages name it: the file's path, or the name given for an in-memory image.</summary>
    public string Name { get; }

    /// <summary>The file it is read from, or null for an image in memory.</summary>
    public virtual string? FilePath => null;

    /// <summary>The upright size of the image.</summary>
    public abstract ImageSize Size { get; }

    /// <summary>The image as RGB [1,3,H,W] in [0,1], resized to exactly <paramref name="width"/>×<paramref name="height"/>.</summary>
    /// <param name="maxMemoryBytes">The process's budget (<c>--max-memory</c>; null: what the machine has): an encoded image
    /// whose decoding would pass it is refused from its header (<see cref="Transfer.MemoryPlan.EnsureDecodeFits"/>).</param>
    public abstract Tensor Load(int width, int height, long? maxMemoryBytes = null);

    /// <summary>SHA-256 (lower-case hex) of what the image is made from: the file's or the encoded bytes, or the
    /// tensor's float32 values. Checkpoints use it to tell whether an input changed.</summary>
    public string Sha256() => _sha256 ??= Convert.ToHexStringLower(ComputeSha256());

    private protected abstract byte[] ComputeSha256();

    /// <summary>The middle of the image without <paramref name="trim"/> of each side, resized to exactly
    /// <paramref name="width"/>×<paramref name="height"/> (see <see cref="ImageLoader.LoadTrimmed"/>).</summary>
    public Tensor LoadTrimmed(int width, int height, double trim, long? maxMemoryBytes = null)
    {
        if (!(trim is >= 0 and < 0.5)) throw new ArgumentOutOfRangeException(nameof(trim), trim, "trim must be in [0, 0.5)");
        if (trim == 0) return Load(width, height, maxMemoryBytes);
        var fullWidth = Math.Max(width, (int)Math.Round(width / (1 - 2 * trim)));
        var fullHeight = Math.Max(height, (int)Math.Round(height / (1 - 2 * trim)));
        using var full = Load(fullWidth, fullHeight, maxMemoryBytes);
        using var middle = full.narrow(2, (fullHeight - height) / 2, height).narrow(3, (fullWidth - width) / 2, width);
        return middle.contiguous();
    }

    public static ImageSource FromFile(string path) => new FileSource(path);

    /// <summary>Encoded bytes (PNG, JPEG, WebP, BMP, GIF, ICO, WBMP); the array is copied.</summary>
    public static ImageSource FromBytes(ReadOnlySpan<byte> encoded, string name = "image") => new BytesSource(encoded.ToArray(), name);

    /// <summary>Reads the whole stream now (it is not kept).</summary>
    public static ImageSource FromStream(Stream stream, string name = "image")
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new BytesSource(copy.ToArray(), name);
    }

    /// <summary>A decoded image: RGB [1,3,H,W] or [3,H,W] with values in [0,1] (copied).</summary>
    public static ImageSource FromTensor(Tensor rgb, string name = "image") => new TensorSource(rgb, name);

    /// <summary>A decoded bitmap (any colour type; converted to sRGB, transparency over white, then copied).</summary>
    public static ImageSource FromBitmap(SKBitmap bitmap, string name = "image")
    {
        var info = new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var opaque = new SKBitmap(info);
        using (var canvas = new SKCanvas(opaque))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(bitmap, 0, 0, SKSamplingOptions.Default);
        }
        using var rgb = PixelConversion.ToTensor(opaque);
        return new TensorSource(rgb, name);
    }

    public virtual void Dispose()
    {
    }

    private sealed class FileSource : ImageSource
    {
        private readonly string _path;
        private ImageSize? _size;

        public FileSource(string path) : base(path) => _path = path;

        public override string? FilePath => _path;

        public override ImageSize Size => _size ??= ImageLoader.ReadSize(_path);

        public override Tensor Load(int width, int height, long? maxMemoryBytes = null) => ImageLoader.Load(_path, width, height, maxMemoryBytes);

        private protected override byte[] ComputeSha256()
        {
            InputFile.Require(_path, $"Image '{_path}'");
            using var stream = File.OpenRead(_path);
            return SHA256.HashData(stream);
        }
    }

    private sealed class BytesSource(byte[] bytes, string name) : ImageSource(name)
    {
        private ImageSize? _size;

        public override ImageSize Size
        {
            get
            {
                if (_size is { } size) return size;
                using var encoded = EncodedImage.FromBytes(bytes, Name);
                return (_size = encoded.Upright).Value;
            }
        }

        public override Tensor Load(int width, int height, long? maxMemoryBytes = null)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
            using var encoded = EncodedImage.FromBytes(bytes, Name);
            return ImageLoader.Decode(encoded, new ImageSize(width, height), Name, maxMemoryBytes);
        }

        private protected override byte[] ComputeSha256() => SHA256.HashData(bytes);
    }

    private sealed class TensorSource : ImageSource
    {
        private readonly Tensor _image;

        public TensorSource(Tensor rgb, string name) : base(name)
        {
            var (h, w) = ImageResize.CheckImage(rgb, nameof(rgb));
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var batch = rgb.dim() == 4 ? rgb : rgb.unsqueeze(0);
            _image = batch.detach().cpu().to(ScalarType.Float32).clone().contiguous().DetachFromDisposeScope();
            Size = new ImageSize((int)w, (int)h);
        }

        public override ImageSize Size { get; }

        // Already decoded and held: only the resize's output is new.
        public override Tensor Load(int width, int height, long? maxMemoryBytes = null) => ImageResize.ToSize(_image, height, width);

        private protected override byte[] ComputeSha256()
        {
            var values = _image.data<float>().ToArray();
            return SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }

        public override void Dispose() => _image.Dispose();
    }
}
