using NeuralStyle.Imaging;
using OpenCvSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Faces;

/// <summary>A face found in a photo, as a box in the photo's pixels.</summary>
public readonly record struct FaceBox(int X, int Y, int Width, int Height);

/// <summary>
/// Frontal faces in a photo, offline: OpenCV's LBP cascade "lbpcascade_frontalface_improved" (Puttemans, Ergun and
/// Goedemé, KU Leuven 2017; BSD-3-Clause, in the file's header and NOTICE), embedded in this assembly.
/// </summary>
public sealed class FaceDetector : IDisposable
{
    private const string CascadeResource = "lbpcascade_frontalface_improved.xml";

    /// <summary>The photo is searched at this longest side: large enough for faces of a tenth of the picture, small enough to take milliseconds.</summary>
    public const int SearchSide = 640;

    private readonly CascadeClassifier _cascade;

    public FaceDetector()
    {
        using var stream = typeof(FaceDetector).Assembly.GetManifestResourceStream(CascadeResource)
            ?? throw new InvalidOperationException($"the face detector {CascadeResource} is missing from {typeof(FaceDetector).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var xml = reader.ReadToEnd();
        _cascade = new CascadeClassifier();
        using var storage = new FileStorage(xml, FileStorage.Modes.Read | FileStorage.Modes.Memory);
        using var root = storage.GetFirstTopLevelNode() ?? throw new InvalidOperationException($"{CascadeResource} is not an OpenCV cascade");
        if (!_cascade.Read(root)) throw new InvalidOperationException($"{CascadeResource} is not an OpenCV cascade");
    }

    /// <summary>The faces in an RGB image [1,3,H,W] in [0,1], in its own pixels.</summary>
    public IReadOnlyList<FaceBox> Find(Tensor rgb)
    {
        var (height, width) = ((int)rgb.shape[2], (int)rgb.shape[3]);
        var factor = Math.Min(1.0, SearchSide / (double)Math.Max(width, height));
        using var gray = Gray(rgb, factor);
        using var equalized = new Mat();
        Cv2.EqualizeHist(gray, equalized);
        // Faces of at least a twelfth of the shorter side: smaller ones are too small to lose their features to the style anyway.
        var minimum = Math.Max(24, Math.Min(gray.Width, gray.Height) / 12);
        var found = _cascade.DetectMultiScale(equalized, scaleFactor: 1.1, minNeighbors: 5, minSize: new OpenCvSharp.Size(minimum, minimum));
        return found.Select(r => new FaceBox((int)(r.X / factor), (int)(r.Y / factor), (int)(r.Width / factor), (int)(r.Height / factor))).ToList();
    }

    private static Mat Gray(Tensor rgb, double factor)
    {
        using var scope = torch.NewDisposeScope();
        var image = factor < 1 ? ImageResize.Scaled(rgb, factor) : rgb;
        // ITU-R BT.601 luma, as OpenCV's own RGB→gray.
        var luma = (image[0, 0] * 0.299 + image[0, 1] * 0.587 + image[0, 2] * 0.114).mul(255).round().clamp(0, 255).to(ScalarType.Byte).contiguous();
        var (h, w) = ((int)luma.shape[0], (int)luma.shape[1]);
        var mat = new Mat(h, w, MatType.CV_8UC1);
        mat.SetArray(luma.data<byte>().ToArray());
        return mat;
    }

    public void Dispose() => _cascade.Dispose();
}
