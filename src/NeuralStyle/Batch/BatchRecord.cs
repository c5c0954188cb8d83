using System.Security.Cryptography;
using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle.Batch;

/// <summary>
/// The batch's own list of the files it wrote in its output folder (<c>neural-style-batch.json</c>): each name with the
/// SHA-256 of what was written, or no hash while the write is under way. It is how a re-run tells its own earlier
/// results (skipped, or overwritten for the index and contact sheet) from a user's file of the same name (never
/// touched), and how a photo folder used as the output folder does not take the batch's results for new photos.
/// The file is read as untrusted input: a regular file of bounded size, every field checked.
/// </summary>
public sealed class BatchRecord
{
    public const string FileName = "neural-style-batch.json";
    private const string Format = "neural-style-batch";
    private const int Version = 1;
    /// <summary>Far above any real batch (about 100 bytes a file), far below what would hurt to read.</summary>
    private const long MaxBytes = 16L << 20;

    private readonly Dictionary<string, string?> _files;

    private BatchRecord(Dictionary<string, string?> files) => _files = files;

    public static BatchRecord Empty() => new(new Dictionary<string, string?>(StringComparer.Ordinal));

    public bool Knows(string name) => _files.ContainsKey(name);

    /// <summary>True when <paramref name="name"/> is a file this batch wrote and it is still exactly what was written
    /// (a write under way when the run was killed counts when the file is there and not empty: it only ever appears by
    /// rename, whole).</summary>
    public bool Wrote(string name, string path)
    {
        if (!_files.TryGetValue(name, out var hash)) return false;
        if (PosixFile.Stat(path, $"'{path}'", followLinks: false).Kind != PosixFileKind.Regular) return false;
        if (hash is null) return new FileInfo(path).Length > 0;
        return Hash(path) == hash;
    }

    public void Writing(string name) => _files[name] = null;

    public void Written(string name, string path) => _files[name] = Hash(path);

    public void Save(string path) =>
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, new Stored(Format, Version,
            _files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (StoredFile?)new StoredFile(f.Key, f.Value)).ToList())));

    /// <summary>The record at <paramref name="path"/>, empty when there is none; anything else there is a one-line error.</summary>
    public static BatchRecord Load(string path)
    {
        var facts = PosixFile.Stat(path, $"'{path}'", followLinks: false);
        if (facts.Kind == PosixFileKind.Missing) return Empty();
        string Refused(string why) =>
            $"'{path}' {why}; it is not the record neural-style batch keeps of its results, so this folder holds someone else's files: move it away or choose another -o folder";
        if (facts.Kind != PosixFileKind.Regular) throw new NeuralStyleException(Refused($"is {PosixFile.Describe(facts.Kind)}"));
        if (new FileInfo(path).Length > MaxBytes) throw new NeuralStyleException(Refused($"is larger than {MaxBytes >> 20} MiB"));
        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(File.ReadAllBytes(path));
        }
        catch (JsonException)
        {
            throw new NeuralStyleException(Refused("is not valid JSON"));
        }
        if (stored is null || stored.Format != Format) throw new NeuralStyleException(Refused("does not say it is one"));
        if (stored.Version != Version)
            throw new NeuralStyleException($"'{path}' has batch record version {stored.Version}; this neural-style reads version {Version}");
        var files = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var file in stored.Files ?? [])
        {
            if (file?.Name is not { } name || !IsPlainName(name) || (file.Sha256 is { } h && !IsSha256(h)) || !files.TryAdd(name, file.Sha256))
                throw new NeuralStyleException(Refused("has an entry that is not a file name with its SHA-256"));
        }
        return new BatchRecord(files);
    }

    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= PosixFile.MaxNameBytes && name is not ("." or "..") && !name.Contains('/') && !name.Contains('\0');

    private static bool IsSha256(string hash) => hash.Length == 64 && hash.All(char.IsAsciiHexDigitUpper);

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    private sealed record Stored(string? Format, int Version, List<StoredFile?>? Files);

    private sealed record StoredFile(string? Name, string? Sha256);
}
