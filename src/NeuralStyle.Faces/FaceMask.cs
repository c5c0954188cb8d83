using NeuralStyle.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Faces;

/// <summary>
/// <c>--content-mask faces</c>: a content mask that is white over every face in the photo, so the style keeps their eyes,
/// mouth and jaw (the content term counts more there, <see cref="NeuralStyle.Transfer.StyleTransferSettings.ContentMaskGain"/>).
/// </summary>
public static class FaceMask
{
    /// <summary>The name the mask's image source carries (in checkpoints and messages).</summary>
    public const string Name = "faces";

    /// <summary>The detector's box covers brows to mouth; the ellipse is this much taller and wider so jaw, chin and
    /// forehead are inside, and its edge falls off softly over a further quarter so no seam forms.</summary>
    private const double Grow = 1.35, SoftEdge = 0.25;

    /// <summary>The mask for the photo at <paramref name="photoPath"/> (its own size), or null when no face is found.</summary>
    public static ImageSource? ForPhoto(string photoPath)
    {
        using var scope = torch.NewDisposeScope();
        var photo = ImageLoader.Load(photoPath, FaceDetector.SearchSide);
        using var detector = new FaceDetector();
        var faces = detector.Find(photo);
        if (faces.Count == 0) return null;
        var mask = Draw(faces, (int)photo.shape[3], (int)photo.shape[2]);
        return ImageSource.FromTensor(mask.expand(1, 3, -1, -1).contiguous().MoveToOuterDisposeScope(), Name);
    }

    /// <summary>A [1,1,H,W] mask in [0,1]: 1 inside each face's grown ellipse, falling to 0 over its soft edge.</summary>
    public static Tensor Draw(IReadOnlyList<FaceBox> faces, int width, int height)
    {
        using var scope = torch.NewDisposeScope();
        var y = torch.arange(height, dtype: ScalarType.Float32).add(0.5).view(height, 1);
        var x = torch.arange(width, dtype: ScalarType.Float32).add(0.5).view(1, width);
        var mask = torch.zeros(height, width);
        foreach (var face in faces)
        {
            var (cx, cy) = (face.X + face.Width / 2.0, face.Y + face.Height * 0.55); // the chin is further below the box than the brow above it
            var (rx, ry) = (face.Width / 2.0 * Grow, face.Height / 2.0 * Grow * 1.15);
            // Elliptical radius: 1 on the ellipse; white inside, a linear fall over SoftEdge beyond it.
            var radius = ((x - cx) / rx).square().add(((y - cy) / ry).square()).sqrt();
            var weight = radius.sub(1).div(SoftEdge).neg().add(1).clamp(0, 1);
            mask = torch.maximum(mask, weight);
        }
        return mask.view(1, 1, height, width).MoveToOuterDisposeScope();
    }
}
