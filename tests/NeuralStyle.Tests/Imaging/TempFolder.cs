namespace NeuralStyle.Tests.Imaging;

/// <summary>A fresh folder under the system temp directory, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("neuralstyle-imaging-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Every entry in the folder, hidden temporary files included.</summary>
    public string[] Entries() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).ToArray()!;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
