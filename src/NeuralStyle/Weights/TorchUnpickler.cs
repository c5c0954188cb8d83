using System.Collections;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;

namespace NeuralStyle.Weights;

/// <summary>
/// Unpickles the object part of a <c>torch.save</c> file. Tensors in it refer to storages through
/// persistent ids, which become <see cref="StorageRef"/>s shared through the
/// <see cref="LoadContext"/>; tensors become <see cref="TensorRecipe"/>s to be built once the
/// storage bytes have been read. The same class serves both checkpoint formats.
/// </summary>
internal sealed class TorchUnpickler(LoadContext context) : Unpickler
{
    // Razorvine keeps object constructors in one process-wide table, and TorchSharp.PyBridge puts
    // its own (incompatible) ones under the same torch names. So ours are installed again right
    // before every load, and loads are serialised so no load sees another's table.
    private static readonly object RegistryLock = new();

    public static T WithConstructors<T>(Func<T> load)
    {
        lock (RegistryLock)
        {
            registerConstructor("torch._utils", "_rebuild_tensor", new RebuildTensor());
            registerConstructor("torch._utils", "_rebuild_tensor_v2", new RebuildTensor());
            registerConstructor("torch._utils", "_rebuild_parameter", new RebuildParameter());
            registerConstructor("collections", "OrderedDict", new OrderedDictConstructor());
            foreach (var name in StorageTypes.Names)
                registerConstructor("torch", name, new StorageClass(name));
            return load();
        }
    }

    /// <summary>
    /// Reads one pickle, translating Razorvine's failures into the problem they mean for a
    /// checkpoint: running out of input is truncation, anything else malformed is corruption.
    /// </summary>
    public static object LoadOne(Unpickler unpickler, Stream stream)
    {
        try
        {
            return unpickler.load(stream);
        }
        catch (Exception e) when (e is IOException)
        {
            throw new CheckpointFormatException("is truncated (it ends in the middle of its pickled data)", e);
        }
        catch (Exception e) when (e is PickleException or InvalidCastException or InvalidOperationException
                                      or ArgumentException or IndexOutOfRangeException or FormatException
                                      or System.Reflection.TargetInvocationException)
        {
            throw new CheckpointFormatException("is corrupt (its pickled data cannot be read)", e);
        }
    }

    /// <summary>
    /// The persistent id is ('storage', storage class, key, location, numel[, view metadata]).
    /// Location is ignored: everything is loaded to the CPU.
    /// </summary>
    protected override object persistentLoad(object pid)
    {
        if (pid is not object[] { Length: >= 5 } id || id[0] is not "storage" || id[2] is not string key)
            throw new CheckpointFormatException("is corrupt: it refers to data of an unknown kind");
        var typeName = id[1] switch
        {
            StorageClass s => s.Name,
            ClassDictConstructor c => c.module + "." + c.name,
            _ => "?",
        };
        var dtype = id[1] is StorageClass known
            ? StorageTypes.ScalarTypeOf(known.Name)
            : throw new CheckpointFormatException($"uses the unsupported storage type {typeName}");
        var numel = ToLong(id[4]);

        if (!context.Storages.TryGetValue(key, out var storage))
            context.Storages[key] = storage = new StorageRef(key, dtype, numel, context);
        else if (storage.DType != dtype)
            throw new CheckpointFormatException($"is corrupt: storage '{key}' is used with two element types");

        // Pre-0.4 legacy files may name a window (view_key, offset, view_size) of the root storage.
        if (id.Length >= 6 && id[5] is object[] { Length: 3 } view)
            return new StorageView(storage, ToLong(view[1]), ToLong(view[2]));
        return storage;
    }

    internal static long ToLong(object? value) => value switch
    {
        int i => i,
        long l => l,
        System.Numerics.BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        _ => throw new CheckpointFormatException("is corrupt: a number was expected in tensor metadata"),
    };

    /// <summary>
    /// Stands for torch.FloatStorage etc. in a pickle. It is never called: it only names the
    /// element type inside a persistent id.
    /// </summary>
    private sealed class StorageClass(string name) : IObjectConstructor
    {
        public string Name { get; } = name;

        public object construct(object[] args) =>
            throw new CheckpointFormatException($"is corrupt: it constructs a torch.{Name} directly");
    }

    /// <summary>
    /// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    /// and the older _rebuild_tensor(storage, storage_offset, size, stride). Gradient flags and
    /// hooks are irrelevant to inference weights and are dropped.
    /// </summary>
    private sealed class RebuildTensor : IObjectConstructor
    {
        public object construct(object[] args)
        {
            if (args.Length < 4 || args[2] is not object[] size || args[3] is not object[] stride)
                throw new CheckpointFormatException("is corrupt: a tensor has malformed metadata");
            var (storage, baseOffset) = args[0] switch
            {
                StorageRef s => (s, 0L),
                StorageView v => (v.Root, v.ElementOffset),
                _ => throw new CheckpointFormatException("is corrupt: a tensor has no storage"),
            };
            return new TensorRecipe(
                storage,
                baseOffset + ToLong(args[1]),
                size.Select(ToLong).ToArray(),
                stride.Select(ToLong).ToArray(),
                storage.Context.NextSequence());
        }
    }

    /// <summary>_rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is just its data here.</summary>
    private sealed class RebuildParameter : IObjectConstructor
    {
        public object construct(object[] args) =>
            args.Length >= 1 && args[0] is TensorRecipe recipe
                ? recipe
                : throw new CheckpointFormatException("is corrupt: a parameter has no tensor");
    }

    private sealed class OrderedDictConstructor : IObjectConstructor
    {
        public object construct(object[] args)
        {
            var dict = new OrderedDict();
            // Python 2 pickled OrderedDict as OrderedDict([[key, value], ...]); Python 3 as
            // OrderedDict() followed by SETITEMS.
            if (args.Length == 1 && args[0] is IEnumerable items)
                foreach (var item in items)
                    if (item is IList { Count: 2 } pair && pair[0] is { } key)
                        dict[key] = pair[1];
            return dict;
        }
    }

    /// <summary>
    /// Razorvine fills dicts through Hashtable, so OrderedDict must be one. A state dict's
    /// OrderedDict also carries a '_metadata' attribute (module versions) set through
    /// __setstate__; it is not needed and is ignored.
    /// </summary>
    internal sealed class OrderedDict : Hashtable
    {
        public void __setstate__(Hashtable state) { }
    }
}
