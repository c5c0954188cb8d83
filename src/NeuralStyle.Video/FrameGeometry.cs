namespace NeuralStyle.Video;

/// <summary>The size frames are stylised at: the video's proportions with the longest side as asked, both sides even
/// (H.264 in yuv420p stores colour at half resolution, so odd sides cannot be encoded).</summary>
public readonly record struct FrameGeometry(int Width, int Height)
{
    public int LongestSide => Math.Max(Width, Height);

    public static FrameGeometry For(VideoInfo video, int longestSide)
    {
        var scale = (double)longestSide / Math.Max(video.Width, video.Height);
        return new FrameGeometry(Even(video.Width * scale), Even(video.Height * scale));
    }

    private static int Even(double side) => Math.Max(2, 2 * (int)Math.Round(side / 2));
}
