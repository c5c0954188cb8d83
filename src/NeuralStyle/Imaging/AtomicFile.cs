using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace NeuralStyle.Imaging;

/// <summary>
/// Writes a file so that it either appears complete or not at all. The content goes to a hidden
/// temporary file in the same folder (same file system, so the final rename is atomic), is flushed
/// to disk, and is then renamed over the target. A crash, a full disk or an encoder failure
/// therefore never leaves a half-written image where the user expects a result, nor clobbers an
/// earlier good one; and the temporary file is removed on every failure we can observe.
/// </summary>
/// <remarks>
/// Temporary names are short and recognisable, <c>.neural-style-PID-XXXXXXXX.tmp</c> (30 characters
/// at most, whatever the target's name), so a target name the file system accepts always has a
/// temporary name it accepts too, and a temporary left by a process that was killed (SIGKILL, power
/// loss) can be told apart and removed by the next run (<see cref="RemoveStaleTemporaries"/>).
/// A target that is a symbolic link to a file is written through: the link stays, its target gets
/// the new content (replaced atomically in the target's folder).
/// </remarks>
public static partial class AtomicFile
{
    private static readonly ConcurrentDictionary<string, byte> Live = new();

    // Registering and creating a temporary, and the forced exit's removal of them all, exclude each other: a signal
    // that removed the registered names just before the file was created left it behind (seen in CI). After the
    // removal no new temporary may be created.
    private static readonly Lock Gate = new();
    private static bool _closed;

    /// <summary>The folder <paramref name="path"/> would be written in, or a one-line error if it does not exist.</summary>
    public static string ExistingFolderOf(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? throw new NeuralStyleException($"Cannot save '{path}': it is not a file path.");
        if (!Directory.Exists(folder))
            throw new NeuralStyleException($"Cannot save '{path}': the folder '{folder}' does not exist.");
        return folder;
    }

    /// <summary>Where a write to <paramref name="path"/> really lands: the path itself, or the file a symbolic link points to.</summary>
    public static string Destination(string path)
    {
        var full = Path.GetFullPath(path);
        var link = PosixFile.Stat(full, $"Cannot save '{path}'", followLinks: false);
        if (link.Kind != PosixFileKind.SymbolicLink) return full;
        return PosixFile.RealPath(full)
            ?? throw new NeuralStyleException($"Cannot save '{path}': it is a symbolic link to a file that does not exist.");
    }

    /// <summary>A new temporary name in <paramref name="folder"/> (not created).</summary>
    public static string TemporaryName(string folder) =>
        Path.Combine(folder, $".neural-style-{Environment.ProcessId}-{Random.Shared.Next():x8}.tmp");

    public static void Write(string path, Action<Stream> write)
    {
        using var pending = Begin(path);
        try
        {
            write(pending.Stream);
        }
        catch (IOException ex)
        {
            // A write that fails (full disk, quota, I/O error) names the file the user asked for, not our temporary;
            // leaving the using removes the temporary.
            throw pending.Failed(ex);
        }
        pending.Commit();
    }

    /// <summary>Opens a temporary file for <paramref name="path"/>; <see cref="PendingFile.Commit"/> renames it into place,
    /// disposing without committing removes it and leaves any earlier file at <paramref name="path"/> as it was.</summary>
    public static PendingFile Begin(string path)
    {
        ExistingFolderOf(path);
        var full = Destination(path);
        var folder = Path.GetDirectoryName(full)!;
        var temp = TemporaryName(folder);
        try
        {
            FileStream? stream = null;
            lock (Gate)
            {
                if (!_closed)
                {
                    Live[temp] = 0;
                    stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                }
            }
            // The forced exit has removed the temporaries and is about to end the process (_exit): this thread waits for
            // that rather than throwing, which printed "internal error" beside the exit's own message (seen in CI).
            if (stream is null) Thread.Sleep(Timeout.Infinite);
            return new PendingFile(path, full, temp, stream!);
        }
        catch (Exception ex)
        {
            Forget(temp);
            throw Translate(ex, path, full, folder);
        }
    }

    /// <summary>Checks, by creating and removing a temporary file there, that <paramref name="path"/> can be written.</summary>
    public static void Probe(string path)
    {
        using var pending = Begin(path);
    }

    /// <summary>Removes every temporary this process has open (on a forced exit).</summary>
    public static void RemoveLiveTemporaries()
    {
        lock (Gate)
        {
            _closed = true;
            foreach (var temp in Live.Keys) TryDelete(temp);
            Live.Clear();
        }
    }

    [GeneratedRegex(@"^\.neural-style-(\d+)-[0-9a-f]{8}\.tmp$")]
    private static partial Regex OurTemporary();

    // What versions before 2025-11 left: ".out.png.<32 hex digits>.tmp".
    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex OldTemporary();

    /// <summary>
    /// Removes temporaries in <paramref name="folder"/> left by neural-style processes that no longer run
    /// (named with their process id; /proc tells whether it still runs), and those of older versions
    /// (no process id in their name) once they are an hour old. Returns how many were removed.
    /// </summary>
    public static int RemoveStaleTemporaries(string folder)
    {
        var removed = 0;
        try
        {
            foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
            {
                var name = Path.GetFileName(file);
                var ours = OurTemporary().Match(name);
                var stale = ours.Success
                    ? int.TryParse(ours.Groups[1].Value, out var pid) && pid != Environment.ProcessId && OperatingSystem.IsLinux() && !Directory.Exists($"/proc/{pid}")
                    : OldTemporary().IsMatch(name) && File.GetLastWriteTimeUtc(file) < DateTime.UtcNow.AddHours(-1);
                if (!stale || PosixFile.Stat(file, file, followLinks: false).Kind != PosixFileKind.Regular) continue;
                if (TryDelete(file)) removed++;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NeuralStyleException)
        {
            // Best effort: an unreadable folder is reported by the checks that matter.
        }
        return removed;
    }

    internal static Exception Translate(Exception ex, string path, string full, string folder) => ex switch
    {
        NeuralStyleException => ex,
        _ when Directory.Exists(full) => new NeuralStyleException($"Cannot save '{path}': a folder with that name exists.", ex),
        UnauthorizedAccessException => new NeuralStyleException($"Cannot save '{path}': permission denied in '{folder}'.", ex),
        IOException when IsDiskFull(ex) => new NeuralStyleException(
            $"Cannot save '{path}': no space left on the device of '{folder}'{(File.Exists(full) ? "; the earlier file is kept" : "")}.", ex),
        IOException => new NeuralStyleException($"Cannot save '{path}': {UserMessage.OneLine(ex.Message)}", ex),
        _ => ex,
    };

    // ENOSPC (28) and EDQUOT (122): .NET on Linux gives an IOException the raw errno as its HResult, and says
    // "No space left on device" / "Disk quota exceeded" (the message is the fallback).
    private static bool IsDiskFull(Exception ex) =>
        ex.HResult is 28 or 122 || ex.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase);


    internal static void Forget(string temp)
    {
        TryDelete(temp);
        Live.TryRemove(temp, out _);
    }

    internal static void Committed(string temp) => Live.TryRemove(temp, out _);

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            // Best effort: the original error is what the user needs to see.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return false;
    }
}

/// <summary>A temporary file on its way to becoming <see cref="Path"/> (see <see cref="AtomicFile.Begin"/>).</summary>
public sealed class PendingFile : IDisposable
{
    private readonly string _full;
    private readonly string _temp;
    private bool _done;

    internal PendingFile(string path, string full, string temp, FileStream stream)
    {
        Path = path;
        _full = full;
        _temp = temp;
        Stream = stream;
    }

    /// <summary>The path the user named.</summary>
    public string Path { get; }

    public Stream Stream { get; }

    /// <summary>The temporary file itself, for a program that writes by path (ffmpeg -y truncates and writes it while
    /// <see cref="Stream"/> stays open and unused); <see cref="Commit"/> then flushes it to disk and renames it.</summary>
    public string TemporaryPath => _temp;

    /// <summary>Flushes to disk and renames over the target. On failure the temporary is removed and the target kept.</summary>
    public void Commit()
    {
        if (_done) throw new InvalidOperationException("already committed or abandoned");
        _done = true;
        try
        {
            Stream.Flush();
            ((FileStream)Stream).Flush(flushToDisk: true);
            Stream.Dispose();
            File.Move(_temp, _full, overwrite: true);
            AtomicFile.Committed(_temp);
        }
        catch (Exception ex)
        {
            try { Stream.Dispose(); } catch (IOException) { }
            AtomicFile.Forget(_temp);
            throw AtomicFile.Translate(ex, Path, _full, System.IO.Path.GetDirectoryName(_full)!);
        }
    }

    /// <summary>The one-line error for a write to <see cref="Stream"/> that failed (the caller then disposes this).</summary>
    public Exception Failed(Exception ex) => AtomicFile.Translate(ex, Path, _full, System.IO.Path.GetDirectoryName(_full)!);

    /// <summary>Without <see cref="Commit"/>: removes the temporary, leaving the target as it was.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try { Stream.Dispose(); } catch (IOException) { } // a full disk fails the last flush too
        AtomicFile.Forget(_temp);
    }
}
