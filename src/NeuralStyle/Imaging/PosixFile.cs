using System.Runtime.InteropServices;
using System.Text;

namespace NeuralStyle.Imaging;

/// <summary>What a path names, from stat(2): its kind and its identity (device and inode).</summary>
public readonly record struct FileFacts(PosixFileKind Kind, ulong Device, ulong Inode)
{
    public bool Exists => Kind != PosixFileKind.Missing;
    public bool SameFileAs(FileFacts other) => Exists && other.Exists && Device == other.Device && Inode == other.Inode;
}

public enum PosixFileKind { Missing, Regular, Directory, SymbolicLink, CharacterDevice, BlockDevice, Fifo, Socket, Other }

/// <summary>
/// stat(2), lstat(2) and realpath(3) from libc: .NET has no portable way to ask whether two paths are
/// the same file (device and inode, which also catches hard links) or whether a path is a FIFO or a
/// device, which must never be opened (a FIFO blocks open(2) until someone writes to it).
/// </summary>
public static class PosixFile
{
    /// <summary>Longest path the kernel accepts (PATH_MAX 4096 with its terminating NUL).</summary>
    public const int MaxPathBytes = 4095;
    /// <summary>Longest file name (NAME_MAX).</summary>
    public const int MaxNameBytes = 255;

    private const int ENOENT = 2, EACCES = 13, ENOTDIR = 20, ENAMETOOLONG = 36, ELOOP = 40;

    /// <summary>Facts about <paramref name="path"/>, following symbolic links unless <paramref name="followLinks"/> is false.
    /// A missing path (or one through a missing folder) is <see cref="PosixFileKind.Missing"/>; anything else that stops
    /// stat is a one-line <see cref="NeuralStyleException"/> starting with <paramref name="what"/>.</summary>
    public static FileFacts Stat(string path, string what, bool followLinks = true)
    {
        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
            throw new NeuralStyleException($"{what}: the path is too long ({Encoding.UTF8.GetByteCount(path)} bytes; the limit is {MaxPathBytes})");
        if (!OperatingSystem.IsLinux())
            return File.Exists(path) ? new FileFacts(PosixFileKind.Regular, 0, (ulong)path.GetHashCode())
                : Directory.Exists(path) ? new FileFacts(PosixFileKind.Directory, 0, 0) : default;
        var buffer = new byte[256];
        var rc = followLinks ? NativeStat(path, buffer) : NativeLstat(path, buffer);
        if (rc != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                ENOENT or ENOTDIR => default,
                EACCES => throw new NeuralStyleException($"{what}: permission denied"),
                ENAMETOOLONG => throw new NeuralStyleException($"{what}: a name in the path is too long (the limit is {MaxNameBytes} bytes)"),
                ELOOP => throw new NeuralStyleException($"{what}: too many levels of symbolic links"),
                _ => throw new NeuralStyleException($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}"),
            };
        }
        var device = BitConverter.ToUInt64(buffer, 0);
        var inode = BitConverter.ToUInt64(buffer, 8);
        // struct stat: x86_64 has st_nlink (8 bytes) before st_mode; the generic layout (arm64) has st_mode first.
        var mode = BitConverter.ToUInt32(buffer, RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => PosixFileKind.Regular,
            0x4000 => PosixFileKind.Directory,
            0xA000 => PosixFileKind.SymbolicLink,
            0x2000 => PosixFileKind.CharacterDevice,
            0x6000 => PosixFileKind.BlockDevice,
            0x1000 => PosixFileKind.Fifo,
            0xC000 => PosixFileKind.Socket,
            _ => PosixFileKind.Other,
        };
        return new FileFacts(kind, device, inode);
    }

    /// <summary>The absolute path with every symbolic link, "." and ".." resolved, or null if it does not exist.</summary>
    public static string? RealPath(string path)
    {
        if (!OperatingSystem.IsLinux()) return Path.GetFullPath(path);
        var result = NativeRealpath(path, IntPtr.Zero);
        if (result == IntPtr.Zero) return null;
        try
        {
            return Marshal.PtrToStringUTF8(result);
        }
        finally
        {
            NativeFree(result);
        }
    }

    /// <summary>"a folder", "a FIFO"… for messages.</summary>
    public static string Describe(PosixFileKind kind) => kind switch
    {
        PosixFileKind.Directory => "a folder",
        PosixFileKind.CharacterDevice or PosixFileKind.BlockDevice => "a device",
        PosixFileKind.Fifo => "a FIFO (named pipe)",
        PosixFileKind.Socket => "a socket",
        PosixFileKind.SymbolicLink => "a symbolic link",
        PosixFileKind.Regular => "a file",
        _ => "not a regular file",
    };

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int NativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

    [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
    private static extern int NativeLstat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static extern IntPtr NativeRealpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void NativeFree(IntPtr pointer);
}

/// <summary>
/// Inputs are read only if they are regular files (symbolic links to one are fine): a FIFO or a
/// character device would block or never end, and a folder is a mistake to name plainly.
/// </summary>
public static class InputFile
{
    /// <summary>Throws a one-line error unless <paramref name="path"/> is an existing regular file.</summary>
    /// <param name="what">How messages name it, e.g. "Image 'a.png'" or "weights file 'w.pth'".</param>
    public static FileFacts Require(string path, string what)
    {
        if (string.IsNullOrEmpty(path)) throw new NeuralStyleException($"{what}: empty path");
        if (path.Contains('\0')) throw new NeuralStyleException($"{what}: the path contains a NUL character");
        var facts = PosixFile.Stat(path, what);
        return facts.Kind switch
        {
            PosixFileKind.Regular => facts,
            PosixFileKind.Missing => throw new NeuralStyleException($"{what} does not exist"),
            PosixFileKind.Directory => throw new NeuralStyleException($"{what} is a folder, not a file"),
            var kind => throw new NeuralStyleException($"{what} is {PosixFile.Describe(kind)}, not a regular file; only regular files are read"),
        };
    }
}
