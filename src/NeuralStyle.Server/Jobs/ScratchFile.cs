namespace NeuralStyle.Server.Jobs;

/// <summary>A file of the worker's own in the system's temporary folder (checkpoints pass through one on their way
/// to and from the store), removed when disposed.</summary>
internal sealed class ScratchFile : IDisposable
{
    public ScratchFile(string name, string extension = ".checkpoint")
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"neural-style-worker-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        Path = System.IO.Path.Combine(folder, $"{name}-{Guid.NewGuid():N}{extension}");
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Left in the temporary folder; nothing depends on it.
        }
    }
}
