namespace NeuralStyle.Models;

/// <summary>The feature networks the tool knows how to fetch: torchvision's ImageNet VGG checkpoints.</summary>
public static class KnownModels
{
    /// <summary>Where torchvision publishes its checkpoints.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://download.pytorch.org/models/");

    /// <summary>
    /// Replaces <see cref="DefaultBaseUrl"/> (same file names below it). It exists for mirrors and
    /// air-gapped sites, and so tests can serve files from 127.0.0.1 without touching the internet.
    /// </summary>
    public const string BaseUrlVariable = "NEURAL_STYLE_MODEL_BASE_URL";

    public static readonly KnownModel Vgg19 = new("vgg19", new Uri(DefaultBaseUrl, "vgg19-dcbb9e9d.pth"), 548);
    public static readonly KnownModel Vgg16 = new("vgg16", new Uri(DefaultBaseUrl, "vgg16-397923af.pth"), 528);

    public static readonly IReadOnlyList<KnownModel> All = [Vgg19, Vgg16];

    /// <summary>The model called <paramref name="name"/> in <paramref name="catalog"/> (default: <see cref="All"/>).</summary>
    public static KnownModel Get(string name, IReadOnlyList<KnownModel>? catalog = null)
    {
        catalog ??= All;
        return catalog.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new NeuralStyleException(
                $"unknown model '{name}'; known models: {string.Join(", ", catalog.Select(m => m.Name))}");
    }

    /// <summary>
    /// The mirror named by <see cref="BaseUrlVariable"/>, or null to use the canonical URLs.
    /// A trailing slash is added so that file names resolve below it rather than replacing its last segment.
    /// </summary>
    public static Uri? BaseUrlOverride(Func<string, string?> getEnvironmentVariable)
    {
        var value = getEnvironmentVariable(BaseUrlVariable);
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (!value.EndsWith('/'))
            value += "/";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new NeuralStyleException($"{BaseUrlVariable}='{value.TrimEnd('/')}' is not an http(s) URL");
        return uri;
    }
}
