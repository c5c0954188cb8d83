namespace NeuralStyle.Models;

/// <summary>A verified weights file in the cache. <see cref="Model"/> is null for files the tool does not know by name.</summary>
public sealed record CachedModel(string Path, long SizeBytes, KnownModel? Model)
{
    public string FileName => System.IO.Path.GetFileName(Path);
}
