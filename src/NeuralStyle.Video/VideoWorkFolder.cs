using System.Text.RegularExpressions;
using NeuralStyle.Imaging;
using NeuralStyle.Runtime;

namespace NeuralStyle.Video;

/// <summary>
/// The temporary folder of a video run without <c>--checkpoint</c>: <c>TMPDIR/neural-style-video-PID-XXXXXX</c>, named
/// with the process id so that a folder left by a run that was killed (SIGKILL, power loss) is told apart from one of
/// a run still going, and removed by the next video run; removed at the end of its run, and on a forced exit
/// (<see cref="ExitCleanup"/>). Folders of versions that did not put the id in the name are removed once a day old.
/// </summary>
public sealed partial class VideoWorkFolder : IDisposable
{
    private const string Prefix = "neural-style-video-";
    private readonly IDisposable _registration;

    private VideoWorkFolder(string path)
    {
        Path = path;
        _registration = ExitCleanup.Folder(path);
    }

    public string Path { get; }

    public static VideoWorkFolder Create()
    {
        RemoveStale(System.IO.Path.GetTempPath());
        return new VideoWorkFolder(Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName);
    }

    /// <summary>Removes the work folders in <paramref name="temp"/> of processes that no longer run; returns how many.</summary>
    public static int RemoveStale(string temp)
    {
        var removed = 0;
        try
        {
            foreach (var folder in Directory.EnumerateDirectories(temp, Prefix + "*"))
            {
                var name = System.IO.Path.GetFileName(folder);
                var ours = WithPid().Match(name);
                var stale = ours.Success
                    ? int.TryParse(ours.Groups[1].Value, out var pid) && pid != Environment.ProcessId && OperatingSystem.IsLinux() && !Directory.Exists($"/proc/{pid}")
                    : Legacy().IsMatch(name) && Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddDays(-1);
                // Never through a link: only a real folder of that name is ours to remove.
                if (!stale || PosixFile.Stat(folder, folder, followLinks: false).Kind != PosixFileKind.Directory) continue;
                try
                {
                    Directory.Delete(folder, recursive: true);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another user's, or busy: not ours to force.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NeuralStyleException)
        {
            // A temporary directory we cannot list is reported by the creation that follows, if it matters.
        }
        return removed;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next run removes it (its process is gone by then).
        }
        _registration.Dispose();
    }

    [GeneratedRegex(@"^neural-style-video-(\d+)-[A-Za-z0-9]+$")]
    private static partial Regex WithPid();

    [GeneratedRegex(@"^neural-style-video-[A-Za-z0-9]{6,}$")]
    private static partial Regex Legacy();
}
