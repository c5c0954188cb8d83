namespace NeuralStyle.Models;

/// <summary>
/// One downloadable feature network: where it lives and what it should hash to.
/// <paramref name="ApproximateMegabytes"/> is only for telling the user what they are about to fetch;
/// the real size comes from the server.
/// </summary>
public sealed record KnownModel(string Name, Uri Url, int ApproximateMegabytes)
{
    /// <summary>The file name on the server and in the cache, e.g. <c>vgg19-dcbb9e9d.pth</c>.</summary>
    public string FileName => Path.GetFileName(Url.AbsolutePath);

    /// <summary>Leading hex digits of the file's SHA-256, taken from its name.</summary>
    public string Sha256Prefix => ModelFileName.GetHashPrefix(FileName);

    /// <summary>
    /// Where to fetch the file from when a mirror is used: the same file name under
    /// <paramref name="baseUrl"/>, or the canonical URL when there is no mirror.
    /// </summary>
    public Uri UrlUnder(Uri? baseUrl) => baseUrl is null ? Url : new Uri(baseUrl, Uri.EscapeDataString(FileName));
}
