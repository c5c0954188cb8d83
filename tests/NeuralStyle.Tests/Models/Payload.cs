using System.Security.Cryptography;

namespace NeuralStyle.Tests.Models;

/// <summary>
/// A few MB of deterministic bytes with a torchvision-style name (<c>payload-&lt;sha256[..8]&gt;.pth</c>)
/// derived from their real hash, so the downloader's verification passes only for the exact bytes.
/// </summary>
public sealed class Payload
{
    public Payload(int length = 3 * 1024 * 1024 + 12345, int seed = 19)
    {
        Bytes = new byte[length];
        new Random(seed).NextBytes(Bytes);
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Bytes));
        FileName = $"payload-{Sha256[..8]}.pth";
    }

    public byte[] Bytes { get; }
    public string Sha256 { get; }
    public string HashPrefix => Sha256[..8];
    public string FileName { get; }

    /// <summary>Same length, different content: what a corrupting mirror would send.</summary>
    public byte[] WrongBytes()
    {
        var wrong = (byte[])Bytes.Clone();
        wrong[wrong.Length / 2] ^= 0xFF;
        return wrong;
    }
}
