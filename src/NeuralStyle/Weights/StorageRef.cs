using TorchSharp;

namespace NeuralStyle.Weights;

/// <summary>
/// A storage named by a pickle's persistent id. While the pickle is read its bytes are not
/// available yet (the legacy format stores them after the pickle), so tensors only record which
/// storage they use; <see cref="Data"/> is filled in afterwards by the format's reader.
/// Several tensors may share one storage (views, tied weights), hence one object per key.
/// </summary>
internal sealed class StorageRef(string key, torch.ScalarType dtype, long numel, LoadContext context)
{
    public string Key { get; } = key;
    public torch.ScalarType DType { get; } = dtype;
    public long Numel { get; } = numel;
    public LoadContext Context { get; } = context;

    /// <summary>The whole storage as a 1-D tensor of <see cref="Numel"/> elements, once read.</summary>
    public torch.Tensor? Data { get; set; }
}

/// <summary>
/// A legacy (pre-0.4) storage view: a window of a root storage. Tensors built on it add
/// <see cref="ElementOffset"/> to their own storage offset.
/// </summary>
internal sealed record StorageView(StorageRef Root, long ElementOffset, long Numel);
