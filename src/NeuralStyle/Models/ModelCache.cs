namespace NeuralStyle.Models;

/// <summary>
/// Where downloaded weights live: <c>&lt;cache&gt;/models/</c>. Only verified files ever carry their
/// final name (the downloader renames a <c>.part</c> into place after the hash matches), so a file
/// with the final name is trusted without re-hashing half a gigabyte on every run.
/// </summary>
public sealed class ModelCache
{
    public const string CacheVariable = "NEURAL_STYLE_CACHE";
    public const string PartialSuffix = ".part";

    public ModelCache(string root)
    {
        Root = Path.GetFullPath(root);
    }

    /// <summary>The cache folder, e.g. <c>~/.cache/neural-style</c>.</summary>
    public string Root { get; }

    public string ModelsDirectory => Path.Combine(Root, "models");

    /// <summary>
    /// The cache chosen by the environment. The lookup is a parameter (default: the process
    /// environment) so tests can exercise every rule without mutating process-wide state that
    /// other test classes read in parallel.
    /// </summary>
    public static ModelCache FromEnvironment(Func<string, string?>? getEnvironmentVariable = null) =>
        new(ResolveRoot(getEnvironmentVariable ?? Environment.GetEnvironmentVariable));

    /// <summary>
    /// <c>$NEURAL_STYLE_CACHE</c>, else <c>$XDG_CACHE_HOME/neural-style</c>, else <c>~/.cache/neural-style</c>.
    /// Empty values count as unset, and a relative XDG_CACHE_HOME is ignored, as the XDG spec asks.
    /// </summary>
    public static string ResolveRoot(Func<string, string?> getEnvironmentVariable)
    {
        var explicitCache = getEnvironmentVariable(CacheVariable);
        if (!string.IsNullOrEmpty(explicitCache))
            return Path.GetFullPath(explicitCache);

        var xdg = getEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "neural-style");

        var home = getEnvironmentVariable("HOME");
        if (string.IsNullOrEmpty(home))
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
            throw new NeuralStyleException($"cannot find a cache folder: HOME is not set; set {CacheVariable} to a writable folder");
        return Path.Combine(home, ".cache", "neural-style");
    }

    /// <summary>Where <paramref name="model"/> lives once downloaded.</summary>
    public string PathFor(KnownModel model) => Path.Combine(ModelsDirectory, model.FileName);

    /// <summary>The cached file for <paramref name="model"/>, or null if it has not been downloaded (a lone .part does not count).</summary>
    public string? TryGetCachedPath(KnownModel model)
    {
        var path = PathFor(model);
        return File.Exists(path) ? path : null;
    }

    /// <summary>As above, by name (vgg19, vgg16); an unknown name is a user error.</summary>
    public string? TryGetCachedPath(string name) => TryGetCachedPath(KnownModels.Get(name));

    /// <summary>The finished downloads in the cache, by file name; partial downloads are left out.</summary>
    public IReadOnlyList<CachedModel> List(IReadOnlyList<KnownModel>? catalog = null)
    {
        catalog ??= KnownModels.All;
        if (!Directory.Exists(ModelsDirectory))
            return [];
        return new DirectoryInfo(ModelsDirectory)
            .EnumerateFiles()
            .Where(f => !f.Name.EndsWith(PartialSuffix, StringComparison.Ordinal))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new CachedModel(f.FullName, f.Length, catalog.FirstOrDefault(m => m.FileName == f.Name)))
            .ToList();
    }
}
