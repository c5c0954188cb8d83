using System.Text;
using NeuralStyle.Imaging;

namespace NeuralStyle.Video;

/// <summary>
/// The folder the user names with <c>--checkpoint DIR</c>: the finished stylised frames (PNG, <see cref="FrameFiles"/>)
/// and a <see cref="VideoManifest"/>. A run with the same folder, video, paintings and settings skips the frames
/// already there, so an interrupted video resumes at the frame it was on.
/// </summary>
public static class VideoCheckpoint
{
    /// <summary>Checks the folder before any work: it may be new (its parent must exist), empty, or one this video and
    /// these settings made. Creates it and writes the manifest; returns how many frames are already finished.</summary>
    public static int Open(string folder, VideoManifest manifest)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full)) throw new NeuralStyleException($"--checkpoint '{folder}' is a file; give a folder (it keeps the finished frames)");
        var manifestPath = Path.Combine(full, VideoManifest.FileName);
        if (Directory.Exists(full))
        {
            if (File.Exists(manifestPath))
            {
                var existing = VideoManifest.TryParse(File.ReadAllText(manifestPath))
                    ?? throw new NeuralStyleException($"--checkpoint '{folder}': its {VideoManifest.FileName} is damaged; remove the folder or name another");
                if (existing.Version != VideoManifest.CurrentVersion)
                    throw new NeuralStyleException($"--checkpoint '{folder}' has format version {existing.Version}; this neural-style reads version {VideoManifest.CurrentVersion}");
                if (existing.Identity() != manifest.Identity())
                    throw new NeuralStyleException($"--checkpoint '{folder}' holds frames of another run ({Difference(existing, manifest)}); remove it or name another folder");
                FrameFiles.RequireOnlyFrames(full, folder);
                return FrameFiles.CountDone(full, manifest.FrameCount);
            }
            if (Directory.EnumerateFileSystemEntries(full).Any())
                throw new NeuralStyleException($"--checkpoint '{folder}' is a folder with other files in it; name a new or empty folder");
        }
        else
        {
            var parent = Path.GetDirectoryName(full)!;
            if (!Directory.Exists(parent)) throw new NeuralStyleException($"--checkpoint '{folder}': the folder '{parent}' does not exist");
            Directory.CreateDirectory(full);
        }
        AtomicFile.Write(manifestPath, stream => stream.Write(Encoding.UTF8.GetBytes(manifest.ToJson())));
        return 0;
    }

    private static string Difference(VideoManifest old, VideoManifest now) =>
        old.InputSha256 != now.InputSha256 ? "the input video differs"
        : !old.StyleSha256.SequenceEqual(now.StyleSha256) ? "a painting differs"
        : old.Width != now.Width || old.Height != now.Height ? $"it is {old.Width}×{old.Height}, this run {now.Width}×{now.Height}"
        : "the settings differ";
}
