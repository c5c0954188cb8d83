using NeuralStyle.Models;

namespace NeuralStyle.Networks;

/// <summary>
/// Which loss network a run uses, as given by <c>--model</c>: <c>auto</c>, <c>vgg19</c>, <c>vgg16</c>,
/// <c>vgg19-conv3</c> (VGG19 to conv3_4, bundled), <c>resnet18</c> (bundled) or <c>onnx:PATH</c> (any ONNX CNN).
/// </summary>
public sealed record ModelSpec(ModelFamily Family, string Name, string? OnnxPath = null)
{
    public static readonly ModelSpec Auto = new(ModelFamily.Auto, "auto");
    public static readonly ModelSpec Vgg19 = new(ModelFamily.Vgg, "vgg19");
    public static readonly ModelSpec Vgg16 = new(ModelFamily.Vgg, "vgg16");
    public static readonly ModelSpec ResNet18 = new(ModelFamily.ResNet18, "resnet18");
    /// <summary>VGG19's first three blocks with the weights that ship in the product (<see cref="BundledVgg"/>).</summary>
    public static readonly ModelSpec Vgg19Conv3 = new(ModelFamily.Vgg, "vgg19-conv3");

    /// <summary>The VGG layer stack of a VGG model (<see cref="VggArchitecture.ForModel"/>): vgg19-conv3 is VGG19 cut short.</summary>
    public string VggArchitectureName => this == Vgg19Conv3 ? Vgg19.Name : Name;

    /// <summary>True for the networks whose weights ship with the build, so they need no download and no --weights.</summary>
    public bool IsBundled => this == Vgg19Conv3 || Family == ModelFamily.ResNet18;

    public static ModelSpec Parse(string text)
    {
        if (text.StartsWith("onnx:", StringComparison.OrdinalIgnoreCase))
        {
            var path = text["onnx:".Length..];
            if (path.Length == 0) throw new NeuralStyleException("--model onnx:PATH needs a path to an .onnx file");
            return new ModelSpec(ModelFamily.Onnx, text, path);
        }
        return text.ToLowerInvariant() switch
        {
            "auto" => Auto,
            "vgg19" => Vgg19,
            "vgg16" => Vgg16,
            "vgg19-conv3" => Vgg19Conv3,
            "resnet18" => ResNet18,
            _ => throw new NeuralStyleException($"unknown model '{text}' (expected auto, vgg19, vgg19-conv3, vgg16, resnet18 or onnx:PATH)"),
        };
    }

    /// <summary>
    /// auto → the full VGG19 when its weights are given or cached, else VGG19's first three blocks, which
    /// ship with the build (<see cref="Vgg19Conv3"/>), so a fresh install works offline with the paper's
    /// network. <paramref name="fellBack"/> tells the caller to say how to get the full VGG19.
    /// </summary>
    public ModelSpec Resolve(string? weightsPath, Func<string, string?>? getEnvironmentVariable, out bool fellBack)
    {
        fellBack = false;
        if (Family != ModelFamily.Auto) return this;
        if (weightsPath is not null || ModelCache.FromEnvironment(getEnvironmentVariable).TryGetCachedPath(Vgg19.Name) is not null)
            return Vgg19;
        fellBack = true;
        return Vgg19Conv3;
    }

    public override string ToString() => Name;
}

public enum ModelFamily { Auto, Vgg, ResNet18, Onnx }
