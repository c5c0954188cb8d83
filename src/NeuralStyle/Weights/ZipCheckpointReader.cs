using System.IO.Compression;
using System.Text;
using TorchSharp;

namespace NeuralStyle.Weights;

/// <summary>
/// Reads the zip format of <c>torch.save</c> (torch >= 1.6): an archive whose single top folder
/// (named after the file when it was saved) holds <c>data.pkl</c> — the object, with storages as
/// persistent ids — and one entry <c>data/&lt;key&gt;</c> of raw little-endian bytes per storage.
/// </summary>
/// <remarks>
/// TorchSharp.PyBridge 1.4.4 can read this format, but it is not used: it allocates only the
/// view's own elements and reads the storage from its start, so a tensor with a storage offset
/// (a slice saved as-is) fails with a native out-of-bounds error — checked against 1.4.4 — and it
/// installs its tensor constructors in Razorvine's process-wide table, where they would clash with
/// the legacy reader's. With <see cref="TorchUnpickler"/> shared, this reader is
/// only the archive plumbing, and both formats behave identically.
/// </remarks>
internal static class ZipCheckpointReader
{
    public static Dictionary<string, torch.Tensor> Read(Stream stream)
    {
        using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var pickle = archive.Entries.FirstOrDefault(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
                     ?? throw new CheckpointFormatException("is a zip archive but not a PyTorch checkpoint (it has no data.pkl)");
        var prefix = pickle.FullName[..^"data.pkl".Length];

        if (archive.GetEntry(prefix + "byteorder") is { } byteOrder && ReadText(byteOrder) == "big")
            throw new CheckpointFormatException("was saved on a big-endian machine, which is not supported");

        var context = new LoadContext();
        object root;
        using (var unpickler = new TorchUnpickler(context))
        using (var pickleStream = pickle.Open())
            root = TorchUnpickler.LoadOne(unpickler, pickleStream);

        foreach (var storage in context.Storages.Values)
        {
            var entry = archive.GetEntry(prefix + "data/" + storage.Key)
                        ?? throw new CheckpointFormatException($"is corrupt: the data of storage '{storage.Key}' is missing");
            var expected = storage.Numel * StorageTypes.ElementSize(storage.DType);
            // Deflate cannot expand more than 1032×: a larger claim is a corrupt header, not data to allocate for.
            if (entry.Length < expected || expected < 0 || expected > Math.Max(entry.CompressedLength, 1) * 1032L)
                throw new CheckpointFormatException(
                    $"is corrupt: storage '{storage.Key}' has {entry.Length} bytes, {expected} expected");
            using var data = entry.Open();
            storage.Data = StorageReader.Read(data, storage,
                () => new CheckpointFormatException($"is truncated: the data of storage '{storage.Key}' is incomplete"));
        }

        return StateDictBuilder.Build(root);
    }

    private static string ReadText(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open(), Encoding.ASCII);
        return reader.ReadToEnd().Trim();
    }
}
