using System.Security.Cryptography;

namespace NeuralStyle.Server.Jobs;

/// <summary>Job ids: 128 random bits in lowercase base-32 (26 characters). Unguessable, so knowing one's own
/// job ids says nothing about anyone else's, and safe in a URL or a file name.</summary>
public static class JobId
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    public const int Length = 26;

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var chars = new char[Length];
        var bits = new System.Numerics.BigInteger(bytes, isUnsigned: true);
        for (var i = 0; i < Length; i++)
        {
            chars[i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }
        return new string(chars);
    }

    /// <summary>Whether <paramref name="text"/> has the form of an id (checked before any lookup).</summary>
    public static bool IsWellFormed(string? text) => text is { Length: Length } && text.All(c => Alphabet.Contains(c));
}
