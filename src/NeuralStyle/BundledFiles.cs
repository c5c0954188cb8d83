namespace NeuralStyle;

/// <summary>
/// Finds the model files that ship with the library (the VGG19 layers, ResNet18). A build copies them into
/// the application's output folder: this repository's projects through Content items of the library, a
/// project that references the NeuralStyle package through the package's buildTransitive targets. Both use
/// the same relative paths, so the first place looked at is the application folder; then the folder of
/// this assembly (a host that loads it from elsewhere, e.g. a plugin folder); then the package's own
/// <c>models/</c> folder, for hosts that load the assembly straight from the NuGet cache without a build
/// (<c>lib/net10.0/NeuralStyle.dll</c> → <c>models/</c>).
/// </summary>
internal static class BundledFiles
{
    /// <param name="relativePath">The path below the output folder, e.g. <c>BundledModels/vgg19-conv3_4.pth</c>.</param>
    /// <returns>The first existing candidate, else the application-folder path (for the error message).</returns>
    public static string Locate(string relativePath)
    {
        var candidates = Candidates(relativePath).ToList();
        return candidates.FirstOrDefault(File.Exists) ?? candidates[0];
    }

    private static IEnumerable<string> Candidates(string relativePath)
    {
        yield return Path.Combine(AppContext.BaseDirectory, relativePath);
        var assembly = typeof(BundledFiles).Assembly.Location; // "" in a single-file app
        if (Path.GetDirectoryName(assembly) is { Length: > 0 } folder)
        {
            yield return Path.Combine(folder, relativePath);
            yield return Path.GetFullPath(Path.Combine(folder, "..", "..", "models", relativePath));
        }
    }
}
