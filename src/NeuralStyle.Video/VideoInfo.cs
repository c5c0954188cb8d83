using System.Globalization;

namespace NeuralStyle.Video;

/// <summary>What ffprobe says about a video: its first video stream's size, frame rate and frame count, and whether
/// it has an audio stream.</summary>
/// <param name="FrameRate">As ffprobe gives it, a rational ("10/1", "30000/1001"), passed back to ffmpeg unchanged so
/// the output keeps the exact rate.</param>
public sealed record VideoInfo(int Width, int Height, string FrameRate, int FrameCount, bool HasAudio)
{
    /// <summary>The frame rate as a number (frames per second).</summary>
    public double FramesPerSecond
    {
        get
        {
            var parts = FrameRate.Split('/');
            var numerator = double.Parse(parts[0], CultureInfo.InvariantCulture);
            return parts.Length == 2 ? numerator / double.Parse(parts[1], CultureInfo.InvariantCulture) : numerator;
        }
    }
}
