namespace NeuralStyle.Networks;

/// <summary>
/// The VGG19 layers that ship inside the product (<c>--model vgg19-conv3</c>): the real ImageNet
/// VGG19 weights of Simonyan and Zisserman for conv1_1 … conv3_4 (CC BY 4.0, see NOTICE), 9.3 MB in
/// torchvision layout. The full VGG19 is 548 MB and must be downloaded; these layers need nothing,
/// so the first picture a new user makes is already made with the paper's network.
/// </summary>
public static class BundledVgg
{
    /// <summary>The deepest layer the bundled weights reach.</summary>
    public const string DeepestLayer = "relu3_4";

    /// <summary>Where the build puts the file: BundledModels/ in the application folder (a Content item of the
    /// library here, the package's buildTransitive targets in a consuming project; see <see cref="BundledFiles"/>).</summary>
    public static string Path => BundledFiles.Locate(System.IO.Path.Combine("BundledModels", "vgg19-conv3_4.pth"));

    /// <summary>Refuses, in one line, a layer deeper than the bundled weights reach.</summary>
    public static void RequireLayers(IEnumerable<string> layers)
    {
        var deepest = VggArchitecture.Vgg19.Single(l => l.Name == DeepestLayer).Index;
        foreach (var layer in layers)
            if (VggArchitecture.Vgg19.FirstOrDefault(l => l.Name == layer) is { } known && known.Index > deepest)
                throw new NeuralStyleException(
                    $"{ModelSpec.Vgg19Conv3} holds VGG19 only up to {DeepestLayer}, not '{layer}': choose shallower layers, or use the full " +
                    "network with --model vgg19 ('neural-style models download vgg19' once, or --weights PATH)");
    }

    /// <summary>The bundled file's path, or a one-line error when the build lost it.</summary>
    public static string RequireFile() => File.Exists(Path)
        ? Path
        : throw new NeuralStyleException($"the bundled VGG19 layers are missing: expected '{Path}' (they ship with the build; rebuild to restore them)");
}
