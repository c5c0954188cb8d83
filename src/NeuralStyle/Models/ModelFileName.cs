using System.Text.RegularExpressions;

namespace NeuralStyle.Models;

/// <summary>
/// torchvision names its checkpoints <c>name-&lt;first hex digits of SHA-256&gt;.pth</c>
/// (e.g. <c>vgg19-dcbb9e9d.pth</c>). The name is therefore its own checksum: we verify downloads
/// against it the same way torch.hub does, so no separate hash table has to be kept in sync.
/// </summary>
public static partial class ModelFileName
{
    /// <summary>The hash prefix in a file name such as <c>vgg19-dcbb9e9d.pth</c>, or null if there is none.</summary>
    public static string? TryGetHashPrefix(string fileName)
    {
        var match = HashInName().Match(Path.GetFileName(fileName));
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>As <see cref="TryGetHashPrefix"/>, but a name without a hash is an error: we never install unverified weights.</summary>
    public static string GetHashPrefix(string fileName) =>
        TryGetHashPrefix(fileName)
        ?? throw new NeuralStyleException($"'{Path.GetFileName(fileName)}' carries no SHA-256 prefix (expected NAME-HASH.pth), so it cannot be verified");

    // The last "-<hex>." in the name; at least 8 digits so that e.g. "vgg-16.pth" is not mistaken for a hash.
    [GeneratedRegex(@"-([0-9a-f]{8,64})\.[^.]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HashInName();
}
