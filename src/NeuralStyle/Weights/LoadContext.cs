namespace NeuralStyle.Weights;

/// <summary>
/// State shared by everything built while reading one checkpoint: the storages by key and the
/// order in which tensors appeared. Pickled dicts arrive as unordered Hashtables, but tensors are
/// rebuilt in file order, so that order restores the state dict's key order.
/// </summary>
internal sealed class LoadContext
{
    private long _nextSequence;

    public Dictionary<string, StorageRef> Storages { get; } = new();

    public long NextSequence() => _nextSequence++;
}
