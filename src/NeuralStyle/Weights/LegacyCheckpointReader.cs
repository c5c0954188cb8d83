using System.Collections;
using System.Numerics;
using Razorvine.Pickle;
using TorchSharp;

namespace NeuralStyle.Weights;

/// <summary>
/// Reads the pre-1.6 <c>torch.save</c> format (still used by the official torchvision VGG19 file):
/// a run of pickles — magic number, protocol version, system info, the object itself, the list of
/// storage keys — followed, for each key in that list, by an 8-byte little-endian element count and
/// the storage's raw little-endian bytes.
/// </summary>
internal static class LegacyCheckpointReader
{
    private static readonly BigInteger MagicNumber = BigInteger.Parse("119547037146038801333356");
    private const int ProtocolVersion = 1001;

    public static Dictionary<string, torch.Tensor> Read(Stream stream)
    {
        var magic = PlainPickle(stream);
        if (!(magic is BigInteger big && big == MagicNumber))
            throw new CheckpointFormatException("is a pickle but not a PyTorch checkpoint");
        if (PlainPickle(stream) is not int version || version != ProtocolVersion)
            throw new CheckpointFormatException("uses an unknown version of the legacy PyTorch format");
        if (PlainPickle(stream) is Hashtable sysInfo && sysInfo["little_endian"] is false)
            throw new CheckpointFormatException("was saved on a big-endian machine, which is not supported");

        var context = new LoadContext();
        using var unpickler = new TorchUnpickler(context);
        var root = TorchUnpickler.LoadOne(unpickler, stream);

        if (PlainPickle(stream) is not IList keys)
            throw new CheckpointFormatException("is corrupt: the list of storages is missing");
        foreach (var keyObject in keys)
        {
            if (keyObject is not string key || !context.Storages.TryGetValue(key, out var storage))
                throw new CheckpointFormatException($"is corrupt: it stores data for an unknown storage '{keyObject}'");
            ReadStorage(stream, storage);
        }
        if (context.Storages.Values.FirstOrDefault(s => s.Data is null) is { } orphan)
            throw new CheckpointFormatException($"is corrupt: storage '{orphan.Key}' has no data");

        return StateDictBuilder.Build(root);
    }

    private static object PlainPickle(Stream stream)
    {
        using var unpickler = new Unpickler();
        return TorchUnpickler.LoadOne(unpickler, stream);
    }

    private static void ReadStorage(Stream stream, StorageRef storage)
    {
        Span<byte> header = stackalloc byte[8];
        if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
            throw Truncated(storage);
        var count = BitConverter.ToInt64(header);
        if (count != storage.Numel)
            throw new CheckpointFormatException(
                $"is corrupt: storage '{storage.Key}' should hold {storage.Numel} elements but holds {count}");
        storage.Data = StorageReader.Read(stream, storage, () => Truncated(storage));
    }

    private static CheckpointFormatException Truncated(StorageRef storage) =>
        new($"is truncated: the data of storage '{storage.Key}' is incomplete");
}
