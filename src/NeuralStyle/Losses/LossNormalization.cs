namespace NeuralStyle.Losses;

/// <summary>
/// How the loss terms are scaled. The choice decides what a given α, β and layer weight mean, so it
/// belongs to the preset.
/// </summary>
public enum LossNormalization
{
    /// <summary>
    /// The formulas of the PyTorch "style transfer with deep neural networks" tutorial that
    /// <c>--preset seed</c> reproduces: unnormalised Gram G = F·Fᵀ; style term of a layer
    /// w·mean((G−A)²)/(C·H·W) with C, H, W the target's feature-map size; content term mean((F−P)²).
    /// Magnitudes depend strongly on image size and layer depth, hence β = 1e6.
    /// </summary>
    Tutorial,

    /// <summary>
    /// Size- and layer-independent terms (the default, <c>--preset gatys</c>): Gram averaged over
    /// positions, G = F·Fᵀ/(H·W); style term w·‖G−A‖²/‖A‖²; content term ‖F−P‖²/‖P‖². Each term is a
    /// relative error, so it starts near 1 whatever the image size, the layer or the painting, and
    /// α, β and the layer weights keep their meaning at every size.
    /// </summary>
    ScaleFree,
}
