namespace NeuralStyle.Video;

/// <summary>How finished frames are named in a work or checkpoint folder: frame-000001.png for the first.</summary>
public static class FrameFiles
{
    /// <summary>The same names as ffmpeg's image-sequence pattern.</summary>
    public const string Pattern = "frame-%06d.png";

    /// <param name="index">0-based frame index.</param>
    public static string Name(int index) => $"frame-{index + 1:D6}.png";

    public static string PathOf(string folder, int index) => Path.Combine(folder, Name(index));

    /// <summary>How many frames from the first are finished in <paramref name="folder"/> (a gap ends the count).</summary>
    public static int CountDone(string folder, int frameCount)
    {
        var done = 0;
        while (done < frameCount && File.Exists(PathOf(folder, done))) done++;
        return done;
    }
}
