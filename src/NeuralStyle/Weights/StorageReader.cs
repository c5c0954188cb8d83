using TorchSharp;

namespace NeuralStyle.Weights;

/// <summary>
/// Copies a storage's raw bytes from a stream into a new 1-D tensor, in chunks so that storages
/// of hundreds of megabytes (VGG's classifier) never need one giant managed array.
/// </summary>
internal static class StorageReader
{
    private const int ChunkBytes = 16 << 20;

    public static torch.Tensor Read(Stream stream, StorageRef storage, Func<Exception> truncated)
    {
        var elementSize = StorageTypes.ElementSize(storage.DType);
        // Before allocating what the file claims: a corrupt or hostile count must not cost gigabytes.
        if (storage.Numel < 0 || storage.Numel > long.MaxValue / 16)
            throw new CheckpointFormatException($"is corrupt: storage '{storage.Key}' claims {storage.Numel} elements");
        if (stream.CanSeek && storage.Numel * elementSize > stream.Length - stream.Position)
            throw truncated();
        var result = torch.empty(storage.Numel, storage.DType);
        try
        {
            var perChunk = Math.Max(1, ChunkBytes / elementSize);
            var buffer = new byte[Math.Min(storage.Numel, perChunk) * elementSize];
            for (long start = 0; start < storage.Numel; start += perChunk)
            {
                var count = Math.Min(perChunk, storage.Numel - start);
                var bytes = buffer.AsSpan(0, (int)(count * elementSize));
                if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
                    throw truncated();
                using var chunk = torch.empty(count, storage.DType);
                chunk.bytes = bytes;
                using var target = result.narrow(0, start, count);
                target.copy_(chunk);
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }
}
