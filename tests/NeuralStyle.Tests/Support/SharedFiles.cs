namespace NeuralStyle.Tests.Support;

/// <summary>
/// Locates ../shared (test photos, paintings, fixture weights) beside the repository. It exists on
/// development machines and in CI but not on a user's machine, so tests that need it call
/// <see cref="Require"/>, which skips the test cleanly when it is absent.
/// </summary>
public static class SharedFiles
{
    public static readonly string RepoRoot = FindRepoRoot();
    public static readonly string? Root = FindShared();

    public static string Image(string name) => Require(Path.Combine("images", name));
    public static string Fixture(string name) => Require(Path.Combine("fixtures", name));

    public static string Require(string relative)
    {
        Skip.If(Root is null, "../shared is absent (it only exists on development machines and in CI)");
        var path = Path.Combine(Root!, relative);
        Skip.IfNot(File.Exists(path), $"../shared/{relative} is absent");
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NeuralStyle.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }

    private static string? FindShared()
    {
        var shared = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
        return Directory.Exists(shared) ? shared : null;
    }
}
