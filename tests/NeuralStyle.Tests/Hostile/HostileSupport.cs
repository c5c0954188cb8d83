using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using NeuralStyle.Cli;
using NeuralStyle.Imaging;
using NeuralStyle.Tests.Imaging;
using NeuralStyle.Tests.Onnx;
using NeuralStyle.Tests.Support;
using SkiaSharp;

namespace NeuralStyle.Tests.Hostile;

/// <summary>The hostile suites run alone: in-process runs redirect the process's Console.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileCollection
{
    public const string Name = "Hostile inputs";
}

/// <summary>
/// The working folder of one hostile case: the user's files (a photo, a painting, an earlier result
/// out.png, notes, a log) that must come out of every failing run byte for byte as they went in.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class Workspace : IDisposable
{
    private readonly TempFolder _folder = new();

    public string Path => _folder.Path;

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public Workspace()
    {
        using var photo = TestPictures.Quadrants(48, 32);
        File.WriteAllBytes(this["c.png"], TestPictures.EncodePng(photo));
        using var painting = TestPictures.Quadrants(40, 40);
        File.WriteAllBytes(this["s.jpg"], TestPictures.EncodeJpeg(painting, 90));
        File.WriteAllBytes(this["s2.png"], TestPictures.EncodePng(painting));
        File.WriteAllBytes(this["out.png"], TestPictures.EncodePng(photo)); // an earlier result the user keeps
        File.WriteAllText(this["notes.txt"], "Starry Night, Van Gogh, 1889.\n");
        File.WriteAllText(this["log.jsonl"], "{\"step\":1}\n"); // an earlier log
    }

    /// <summary>Every entry under the folder (hidden ones included) → SHA-256 of a file, "dir", "link → target", "fifo"…</summary>
    public Dictionary<string, string> Snapshot()
    {
        var result = new Dictionary<string, string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            var relative = System.IO.Path.GetRelativePath(Path, entry);
            var facts = PosixFile.Stat(entry, entry, followLinks: false);
            result[relative] = facts.Kind switch
            {
                PosixFileKind.Regular => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry))),
                PosixFileKind.SymbolicLink => "link → " + new FileInfo(entry).LinkTarget,
                var kind => kind.ToString(),
            };
        }
        return result;
    }

    public void Dispose()
    {
        // Undo what cases did to make the folder unremovable.
        foreach (var dir in Directory.EnumerateDirectories(Path, "*", SearchOption.AllDirectories))
        {
            Immutable.Clear(dir);
            try { File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        _folder.Dispose();
    }
}

/// <summary>Hostile files, made on demand.</summary>
public static class HostileFiles
{
    public static void MakeFifo(string path)
    {
        if (MkFifo(path, Convert.ToUInt32("644", 8)) != 0) throw new IOException($"mkfifo {path} failed");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(string path, uint mode);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string created);

    public static void HardLink(string existing, string created)
    {
        if (Link(existing, created) != 0) throw new IOException($"link {existing} {created} failed");
    }

    /// <summary>A valid PNG of width × height grey pixels (1 or 8 bits) that is tiny on disk (zlib of zeros): 10000² at 1 bit is
    /// about 15 KB, 7000×5700 at 8 bits 38 KB.</summary>
    public static byte[] HugeBlankPng(int width, int height, int bitDepth = 1)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = 0; // grey
        TestPictures.PngChunk(output, "IHDR", ihdr);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var row = new byte[1 + ((long)width * bitDepth + 7) / 8]; // filter byte 0, then all-black pixels
                for (var y = 0; y < height; y++) z.Write(row);
            }
            TestPictures.PngChunk(output, "IDAT", raw.ToArray());
        }
        TestPictures.PngChunk(output, "IEND", []);
        return output.ToArray();
    }


    /// <summary>x → Conv(4×3×3×3, pad 1) → "c" → Relu → "r": the smallest network stylize can run.</summary>
    public static OnnxGraphBuilder TinyNetwork() => new OnnxGraphBuilder()
        .Input("x", 1, 3, 32, 32)
        .RandomWeight("w", 1, 4, 3, 3, 3)
        .Node("Conv", ["x", "w"], "c", OnnxGraphBuilder.Ints("pads", 1, 1, 1, 1))
        .Node("Relu", ["c"], "r")
        .Output("r");

    public static byte[] TinyOnnx() => TinyNetwork().Build().ToByteArray();

    /// <summary>The tiny network with its weight tensor's dims or data replaced.</summary>
    public static byte[] OnnxWithWeight(long[] dims, int values)
    {
        var model = TinyNetwork().Build();
        var w = model.Graph.Initializer.Single(i => i.Name == "w");
        w.Dims.Clear();
        w.Dims.Add(dims);
        w.FloatData.Clear();
        w.RawData = ByteString.Empty;
        w.FloatData.Add(new float[values]);
        return model.ToByteArray();
    }

    /// <summary>x → Relu → Relu → … (<paramref name="count"/> nodes): a few bytes per node, unbounded work.</summary>
    public static byte[] ReluChain(int count) => ReluChainGraph(count).Output($"r{count - 1}").Build().ToByteArray();

    /// <summary>The chain of <see cref="ReluChain"/> without its output, its last tensor "r{count − 1}", for more nodes after it.</summary>
    public static OnnxGraphBuilder ReluChainGraph(int count)
    {
        var builder = new OnnxGraphBuilder().Input("x", 1, 3, 32, 32);
        var previous = "x";
        for (var i = 0; i < count; i++)
        {
            builder.Node("Relu", [previous], $"r{i}");
            previous = $"r{i}";
        }
        return builder;
    }

    /// <summary>A JPEG of width × height grey pixels: 10000² is 100 MB to make and well under 1 MB on disk.</summary>
    public static byte[] HugeBlankJpeg(int width, int height)
    {
        using var grey = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        grey.Erase(new SKColor(128, 128, 128));
        return TestPictures.EncodeJpeg(grey, 50);
    }

    /// <summary>A zip checkpoint with one small tensor per VGG19 layer name given.</summary>
    public static void TinyCheckpoint(string path, bool zip = true)
    {
        var floats = Enumerable.Range(0, 16).Select(i => (float)i / 16).ToArray();
        var bytes = new byte[floats.Length * 4];
        Buffer.BlockCopy(floats, 0, bytes, 0, bytes.Length);
        var storage = new PyStorage("FloatStorage", "0", floats.Length, bytes);
        var dict = new PyOrderedDict([new("features.0.weight", new PyTensor(storage, 0, [4, 4], [4, 1])), new("features.0.bias", new PyTensor(storage, 0, [4], [1]))]);
        if (zip) TorchCheckpointWriter.WriteZip(path, dict, [storage]);
        else TorchCheckpointWriter.WriteLegacy(path, dict, [storage]);
    }
}

/// <summary>What one run of the CLI showed and did.</summary>
public sealed record HostileRun(int ExitCode, string Stdout, string[] StderrLines, TimeSpan Elapsed);

/// <summary>Runs the CLI in this process (fast: no .NET or libtorch start-up) or as a child process (signals, FIFOs, environment).</summary>
public static class HostileCli
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static HostileRun InProcess(string[] args)
    {
        OneAtATime.Wait();
        var (stdout, stderr) = (Console.Out, Console.Error);
        var outWriter = new StringWriter();
        var errWriter = new StringWriter();
        var clock = Stopwatch.StartNew();
        try
        {
            Console.SetOut(TextWriter.Synchronized(outWriter));
            Console.SetError(TextWriter.Synchronized(errWriter));
            var code = CliApp.Run(args);
            return new HostileRun(code, outWriter.ToString(), Lines(errWriter.ToString()), clock.Elapsed);
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            OneAtATime.Release();
        }
    }

    public static async Task<HostileRun> AsProcess(string[] args, IReadOnlyDictionary<string, string>? environment,
        Func<Process, Task>? whileRunning, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var run = await CliProcess.RunAsync(args, environment, whileRunning, timeout);
        return new HostileRun(run.ExitCode, run.Stdout, run.StderrLines, clock.Elapsed);
    }

    private static string[] Lines(string text)
    {
        text = text.ReplaceLineEndings("\n");
        return text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
    }
}

/// <summary>A full disk: a 64 KiB tmpfs mounted on a folder (as root; the case is skipped otherwise), filled up.</summary>
internal static class FullDisk
{
    /// <param name="keep">A file written before the disk is filled (an earlier result that must survive).</param>
    public static void Mount(string folder, (string Name, byte[] Bytes)? keep = null)
    {
        Directory.CreateDirectory(folder);
        if (Environment.UserName != "root") throw new SkipException("mounting a small tmpfs needs root");
        if (Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder) != 0) throw new SkipException($"mount -t tmpfs on '{folder}' failed (no CAP_SYS_ADMIN here)");
        if (keep is { } k) File.WriteAllBytes(Path.Combine(folder, k.Name), k.Bytes);
        try
        {
            using var filler = new FileStream(Path.Combine(folder, "filler"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            var block = new byte[4096];
            while (true) filler.Write(block);
        }
        catch (IOException)
        {
            // Full: what the case needs.
        }
    }

    public static void Unmount(string folder)
    {
        if (Directory.Exists(folder)) Run("umount", folder);
    }

    private static int Run(string program, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, args)
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit(10_000);
        return process.HasExited ? process.ExitCode : -1;
    }
}

/// <summary>chattr +i / -i: the one way to make a folder unwritable for root, for the cases that need one.</summary>
internal static class Immutable
{
    private static readonly HashSet<string> Marked = new();

    public static void Set(string path)
    {
        if (Run("+i", path) != 0) throw new SkipException($"cannot make '{path}' immutable (chattr +i failed: no permission or no support on this file system)");
        lock (Marked) Marked.Add(Path.GetFullPath(path));
    }

    /// <summary>Undoes <see cref="Set"/>; does nothing (and starts no process) for a folder it did not mark.</summary>
    public static void Clear(string path)
    {
        lock (Marked)
            if (!Marked.Remove(Path.GetFullPath(path))) return;
        Run("-i", path);
    }

    private static int Run(string flag, string path)
    {
        try
        {
            using var chattr = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chattr", [flag, path])
                { RedirectStandardError = true, RedirectStandardOutput = true })!;
            chattr.WaitForExit(10_000);
            return chattr.HasExited ? chattr.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1; // no chattr
        }
    }
}
