using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NeuralStyle.Tests.Support;

/// <summary>
/// A small disk of its own: a tmpfs mounted on a fresh temporary folder (as root; the test is skipped otherwise, with
/// the reason), which a test fills to the last byte (a filler file written until ENOSPC) and frees again, so whatever
/// writes there meets a real full disk, and then a disk with room again. Unmounted and removed on dispose.
/// </summary>
public sealed class TmpfsDisk : IDisposable
{
    private readonly TempFolder _folder = new();
    private FileStream? _filler;

    private TmpfsDisk()
    {
    }

    public string Path => _folder.Path;

    /// <summary>A tmpfs of <paramref name="megabytes"/> MiB, or a skipped test when this process may not mount one.</summary>
    public static TmpfsDisk MountOrSkip(int megabytes)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "a tmpfs is Linux's");
        Skip.If(geteuid() != 0, "mounting a tmpfs needs root");
        var disk = new TmpfsDisk();
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", disk.Path);
        if (code != 0)
        {
            disk._folder.Dispose();
            Skip.If(true, $"mount -t tmpfs failed here ({error.Trim()}): no CAP_SYS_ADMIN in this sandbox?");
        }
        return disk;
    }

    /// <summary>A folder on the disk (created).</summary>
    public string Folder(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    /// <summary>The disk's size in bytes.</summary>
    public long Size => new DriveInfo(Path).TotalSize;

    /// <summary>Bytes still free.</summary>
    public long Available => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes a filler file until the disk refuses more (ENOSPC); returns its size. The file stays open, so
    /// nothing else can shrink it meanwhile.</summary>
    public long Fill()
    {
        if (_filler is not null) throw new InvalidOperationException("already full");
        _filler = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
        TopUp();
        return _filler.Length;
    }

    /// <summary>Fills again what others gave back since (a write that failed on the full disk removes its partial file,
    /// and the room is there for the next writer): a full disk stays full, as one that something else keeps filling.</summary>
    public void TopUp()
    {
        if (_filler is null) throw new InvalidOperationException("not filled");
        // Big blocks first, then single pages, then bytes: what a block no longer fits is filled in smaller pieces.
        foreach (var size in (int[])[1 << 20, 4096, 1])
        {
            var block = new byte[size];
            try
            {
                while (true) _filler.Write(block);
            }
            catch (IOException)
            {
                // This size no longer fits.
            }
        }
    }

    /// <summary>Deletes the filler: the disk has its room again.</summary>
    public void Free()
    {
        if (_filler is null) return;
        var path = _filler.Name;
        try { _filler.Dispose(); } catch (IOException) { } // the last, partial write is still in no buffer (size 1)
        _filler = null;
        File.Delete(path);
    }

    public void Dispose()
    {
        Free();
        // A process that still holds a file there (one the test killed is gone) would make the plain umount fail: then lazily.
        if (Run("umount", Path).Code != 0) Run("umount", "-l", Path);
        _folder.Dispose();
    }

    private static (int Code, string Error) Run(string program, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(30_000)) return (-1, $"{program} hung");
            return (process.ExitCode, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message); // no such program
        }
    }

    [DllImport("libc")]
    private static extern uint geteuid();
}
