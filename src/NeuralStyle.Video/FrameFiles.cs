using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle.Video;

/// <summary>How finished frames are named in a work or checkpoint folder: frame-000001.png for the first.</summary>
public static class FrameFiles
{
    /// <summary>The same names as ffmpeg's image-sequence pattern.</summary>
    public const string Pattern = "frame-%06d.png";

    /// <param name="index">0-based frame index.</param>
    public static string Name(int index) => $"frame-{index + 1:D6}.png";

    public static string PathOf(string folder, int index) => Path.Combine(folder, Name(index));

    /// <summary>
    /// Every entry of a checkpoint folder named like a frame must be a regular file: saving a frame over a symbolic
    /// link would write through it (to a user's photo, say), and reading one would take the user's photo for a frame.
    /// </summary>
    public static void RequireOnlyFrames(string folder, string named)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "frame-*.png"))
        {
            var kind = PosixFile.Stat(entry, $"'{entry}'", followLinks: false).Kind;
            if (kind != PosixFileKind.Regular)
                throw new NeuralStyleException(
                    $"--checkpoint '{named}': '{Path.GetFileName(entry)}' is {PosixFile.Describe(kind)}, not a frame neural-style wrote; remove it or name another folder");
        }
    }

    /// <summary>A finished frame read back, which must have this run's frame size.</summary>
    public static Tensor Load(string folder, int index, FrameGeometry size)
    {
        var path = PathOf(folder, index);
        var image = ImageLoader.Load(path);
        if (image.shape[2] == size.Height && image.shape[3] == size.Width) return image;
        var found = $"{image.shape[3]}×{image.shape[2]}";
        image.Dispose();
        throw new NeuralStyleException(
            $"'{path}' is {found}, not the {size.Width}×{size.Height} of this run's frames; the checkpoint folder was changed: remove that frame or the folder");
    }

    /// <summary>How many frames from the first are finished in <paramref name="folder"/> (a gap ends the count).</summary>
    public static int CountDone(string folder, int frameCount)
    {
        var done = 0;
        while (done < frameCount && File.Exists(PathOf(folder, done))) done++;
        return done;
    }
}
