using System.IO.Compression;
using System.Numerics;
using System.Text;
using Razorvine.Pickle;

namespace NeuralStyle.Tests.Support;

/// <summary>A storage: element type name (e.g. "FloatStorage"), key, and its raw little-endian bytes.</summary>
public sealed record PyStorage(string Type, string Key, long Numel, byte[] Bytes);

/// <summary>A tensor as torch._utils._rebuild_tensor_v2 sees it: a strided view of a storage.</summary>
public sealed record PyTensor(PyStorage Storage, long Offset, long[] Size, long[] Stride);

/// <summary>collections.OrderedDict with these items (deliberately not IEnumerable: Razorvine
/// pickles enumerables itself and would never call the custom pickler).</summary>
public sealed record PyOrderedDict(IReadOnlyList<KeyValuePair<string, object>> Items);

/// <summary>
/// Writes checkpoints the way <c>torch.save</c> does, so the loader can be tested on files whose
/// every value, offset and stride is known. The pickles are produced by Razorvine's Pickler, with
/// custom picklers for the few torch-specific opcodes (GLOBAL, REDUCE, BINPERSID).
/// </summary>
public static class TorchCheckpointWriter
{
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("119547037146038801333356");

    static TorchCheckpointWriter()
    {
        Pickler.registerCustomPickler(typeof(PyStorage), new StoragePickler());
        Pickler.registerCustomPickler(typeof(PyTensor), new TensorPickler());
        Pickler.registerCustomPickler(typeof(PyOrderedDict), new OrderedDictPickler());
        Pickler.registerCustomPickler(typeof(PyLong), new LongPickler());
    }

    /// <summary>The pre-1.6 format: magic, version, sys info, object, storage keys, then the storages.</summary>
    public static void WriteLegacy(string path, object stateDict, IReadOnlyList<PyStorage> storages)
    {
        using var file = File.Create(path);
        Dump(file, new PyLong(LegacyMagic));
        Dump(file, 1001);
        Dump(file, new Dictionary<string, object>
        {
            ["protocol_version"] = 1001,
            ["little_endian"] = true,
            ["type_sizes"] = new Dictionary<string, object> { ["short"] = 2, ["int"] = 4, ["long"] = 4 },
        });
        Dump(file, stateDict);
        Dump(file, storages.Select(s => (object)s.Key).ToList());
        foreach (var storage in storages)
        {
            file.Write(BitConverter.GetBytes(storage.Numel));
            file.Write(storage.Bytes);
        }
    }

    /// <summary>The zip format: archive/data.pkl, archive/data/&lt;key&gt;, archive/version, archive/byteorder.</summary>
    public static void WriteZip(string path, object stateDict, IReadOnlyList<PyStorage> storages)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        void Add(string name, byte[] bytes)
        {
            using var entry = zip.CreateEntry("archive/" + name, CompressionLevel.NoCompression).Open();
            entry.Write(bytes);
        }
        var pickle = new MemoryStream();
        Dump(pickle, stateDict);
        Add("data.pkl", pickle.ToArray());
        Add("byteorder", "little"u8.ToArray());
        foreach (var storage in storages)
            Add("data/" + storage.Key, storage.Bytes);
        Add("version", "3\n"u8.ToArray());
    }

    // Razorvine's Pickler closes the stream it wrote to, so each pickle goes through its own buffer.
    private static void Dump(Stream stream, object value)
    {
        using var pickler = new Pickler();
        stream.Write(pickler.dumps(value));
    }

    private static void Global(Stream outs, string module, string name) =>
        outs.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    private sealed record PyLong(BigInteger Value);

    private sealed class LongPickler : IObjectPickler
    {
        public void pickle(object o, Stream outs, Pickler currentPickler)
        {
            var bytes = ((PyLong)o).Value.ToByteArray(); // little-endian two's complement, as LONG1 wants
            outs.WriteByte(0x8a);
            outs.WriteByte((byte)bytes.Length);
            outs.Write(bytes);
        }
    }

    /// <summary>A storage is pickled as its persistent id ('storage', torch.XStorage, key, 'cpu', numel).</summary>
    private sealed class StoragePickler : IObjectPickler
    {
        public void pickle(object o, Stream outs, Pickler currentPickler)
        {
            var s = (PyStorage)o;
            outs.WriteByte((byte)'(');
            currentPickler.save("storage");
            Global(outs, "torch", s.Type);
            currentPickler.save(s.Key);
            currentPickler.save("cpu");
            currentPickler.save(s.Numel);
            outs.WriteByte((byte)'t'); // TUPLE
            outs.WriteByte((byte)'Q'); // BINPERSID
        }
    }

    private sealed class TensorPickler : IObjectPickler
    {
        public void pickle(object o, Stream outs, Pickler currentPickler)
        {
            var t = (PyTensor)o;
            Global(outs, "torch._utils", "_rebuild_tensor_v2");
            currentPickler.save(new object[]
            {
                t.Storage, t.Offset, t.Size.Cast<object>().ToArray(), t.Stride.Cast<object>().ToArray(),
                false, new PyOrderedDict([]),
            });
            outs.WriteByte((byte)'R'); // REDUCE
        }
    }

    private sealed class OrderedDictPickler : IObjectPickler
    {
        public void pickle(object o, Stream outs, Pickler currentPickler)
        {
            Global(outs, "collections", "OrderedDict");
            outs.WriteByte((byte)')'); // EMPTY_TUPLE
            outs.WriteByte((byte)'R');
            var items = ((PyOrderedDict)o).Items;
            if (items.Count == 0)
                return;
            outs.WriteByte((byte)'(');
            foreach (var (key, value) in items)
            {
                currentPickler.save(key);
                currentPickler.save(value);
            }
            outs.WriteByte((byte)'u'); // SETITEMS
        }
    }
}
