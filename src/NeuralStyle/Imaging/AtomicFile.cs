namespace NeuralStyle.Imaging;

/// <summary>
/// Writes a file so that it either appears complete or not at all. The content goes to a hidden
/// temporary file in the same folder (same file system, so the final rename is atomic), is flushed
/// to disk, and is then renamed over the target. A crash, a full disk or an encoder failure
/// therefore never leaves a half-written image where the user expects a result, nor clobbers an
/// earlier good one; and the temporary file is removed on every failure we can observe.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The folder <paramref name="path"/> would be written in, or a one-line error if it does not exist.</summary>
    public static string ExistingFolderOf(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? throw new NeuralStyleException($"Cannot save '{path}': it is not a file path.");
        if (!Directory.Exists(folder))
            throw new NeuralStyleException($"Cannot save '{path}': the folder '{folder}' does not exist.");
        return folder;
    }

    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = ExistingFolderOf(path);

        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex)
        {
            TryDelete(temp);
            throw ex switch
            {
                NeuralStyleException => ex,
                _ when Directory.Exists(full) => new NeuralStyleException($"Cannot save '{path}': a folder with that name exists.", ex),
                UnauthorizedAccessException => new NeuralStyleException($"Cannot save '{path}': permission denied in '{folder}'.", ex),
                IOException => new NeuralStyleException($"Cannot save '{path}': {UserMessage.OneLine(ex.Message)}", ex),
                _ => ex,
            };
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error is what the user needs to see.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
