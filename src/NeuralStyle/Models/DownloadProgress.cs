namespace NeuralStyle.Models;

/// <summary>
/// How far a download has got. <see cref="BytesDone"/> includes bytes kept from an earlier,
/// interrupted attempt; <see cref="TotalBytes"/> is null when the server does not say.
/// </summary>
public readonly record struct DownloadProgress(long BytesDone, long? TotalBytes);
