using NeuralStyle.Tests.Support;
using NeuralStyle.Models;

namespace NeuralStyle.Tests.Models;

public sealed class ModelCacheTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // An environment lookup from a dictionary: no process-wide variables change, so parallel test classes are unaffected.
    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void ExplicitCacheVariableWins() =>
        Assert.Equal("/srv/ns", ModelCache.ResolveRoot(Env(("NEURAL_STYLE_CACHE", "/srv/ns"), ("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u"))));

    [Fact]
    public void XdgCacheHomeIsUsedNext() =>
        Assert.Equal("/xdg/neural-style", ModelCache.ResolveRoot(Env(("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u"))));

    [Fact]
    public void HomeDotCacheIsTheFallback() =>
        Assert.Equal("/home/u/.cache/neural-style", ModelCache.ResolveRoot(Env(("HOME", "/home/u"))));

    [Fact]
    public void EmptyAndRelativeValuesAreIgnored() =>
        Assert.Equal("/home/u/.cache/neural-style",
            ModelCache.ResolveRoot(Env(("NEURAL_STYLE_CACHE", ""), ("XDG_CACHE_HOME", "relative/cache"), ("HOME", "/home/u"))));

    [Fact]
    public void ModelsLiveInTheModelsSubfolder()
    {
        var cache = ModelCache.FromEnvironment(Env(("NEURAL_STYLE_CACHE", _temp.Path)));
        Assert.Equal(_temp.Combine("models", "vgg19-dcbb9e9d.pth"), cache.PathFor(KnownModels.Vgg19));
    }

    [Fact]
    public void OnlyFinishedFilesCountAsCached()
    {
        var cache = new ModelCache(_temp.Path);
        Assert.Null(cache.TryGetCachedPath("vgg19"));
        Assert.Empty(cache.List()); // no models folder yet

        Directory.CreateDirectory(cache.ModelsDirectory);
        File.WriteAllBytes(cache.PathFor(KnownModels.Vgg19) + ".part", new byte[10]);
        Assert.Null(cache.TryGetCachedPath("vgg19"));
        Assert.Empty(cache.List());

        File.WriteAllBytes(cache.PathFor(KnownModels.Vgg19), new byte[1234]);
        File.WriteAllBytes(Path.Combine(cache.ModelsDirectory, "custom-0123abcd.pth"), new byte[7]);

        Assert.Equal(cache.PathFor(KnownModels.Vgg19), cache.TryGetCachedPath("vgg19"));
        Assert.Null(cache.TryGetCachedPath("vgg16"));
        var listed = cache.List();
        Assert.Equal(["custom-0123abcd.pth", "vgg19-dcbb9e9d.pth"], listed.Select(c => c.FileName));
        Assert.Equal([7L, 1234L], listed.Select(c => c.SizeBytes));
        Assert.Equal([null, "vgg19"], listed.Select(c => c.Model?.Name));
    }

    [Fact]
    public void UnknownNameIsAUserErrorListingTheKnownOnes()
    {
        var error = Assert.Throws<NeuralStyleException>(() => new ModelCache(_temp.Path).TryGetCachedPath("resnet50"));
        Assert.Equal("unknown model 'resnet50'; known models: vgg19, vgg16", error.Message);
    }
}
