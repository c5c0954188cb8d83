using NeuralStyle.Faces;
using NeuralStyle.Imaging;

namespace NeuralStyle.Cli.Commands;

/// <summary><c>--content-mask PATH|faces</c>: an image file, or the faces found in the photo (<see cref="FaceMask"/>).</summary>
internal static class ContentMasks
{
    public static bool IsFaces(string value) => value == FaceMask.Name;

    /// <summary>The mask's image source, or null (no option, or no face found: said in one line, and the run goes on without).</summary>
    public static ImageSource? For(string? value, string photo, Action<string> notice)
    {
        if (value is null) return null;
        if (!IsFaces(value)) return ImageSource.FromFile(value);
        var mask = FaceMask.ForPhoto(photo);
        notice(mask is null
            ? $"neural-style: --content-mask faces: no face found in {Path.GetFileName(photo)}, so the content counts the same everywhere"
            : "neural-style: --content-mask faces: keeping the faces found in the photo");
        return mask;
    }
}
