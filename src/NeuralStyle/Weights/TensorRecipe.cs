using TorchSharp;

namespace NeuralStyle.Weights;

/// <summary>
/// What <c>torch._utils._rebuild_tensor_v2</c> would build: a view (offset, size, stride) of a
/// storage. It is kept as a recipe because the storage bytes may not have been read yet.
/// </summary>
internal sealed class TensorRecipe(StorageRef storage, long offset, long[] size, long[] stride, long sequence)
{
    public StorageRef Storage { get; } = storage;
    public long Offset { get; } = offset;
    public long[] Size { get; } = size;
    public long[] Stride { get; } = stride;

    /// <summary>Position in the file, used to keep the state dict in its saved order.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>
    /// Builds the tensor as an independent contiguous copy: callers may dispose one entry without
    /// touching another that shared its storage, and a small view does not pin a large storage.
    /// </summary>
    public torch.Tensor Materialize()
    {
        var data = Storage.Data
                   ?? throw new CheckpointFormatException($"is corrupt: storage '{Storage.Key}' has no data");
        CheckBounds();
        using var view = data.as_strided(Size, Stride, Offset);
        return view.is_contiguous() ? view.clone() : view.contiguous();
    }

    /// <summary>
    /// as_strided trusts its arguments, so a corrupt file could otherwise read outside the storage.
    /// </summary>
    private void CheckBounds()
    {
        if (Size.Length != Stride.Length || Offset < 0 || Size.Any(s => s < 0) || Stride.Any(s => s < 0))
            throw new CheckpointFormatException("is corrupt: a tensor has an invalid size or stride");
        if (Size.Any(s => s == 0))
            return;
        var last = Offset;
        for (var i = 0; i < Size.Length; i++)
            last += (Size[i] - 1) * Stride[i];
        if (last >= Storage.Numel)
            throw new CheckpointFormatException(
                $"is corrupt: a tensor reaches element {last} of storage '{Storage.Key}', which holds {Storage.Numel}");
    }
}
