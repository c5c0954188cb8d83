namespace NeuralStyle.Transfer;

/// <summary>How much of the photo's colour survives the transfer (<c>--preserve-color</c>; Gatys et al.,
/// "Preserving Color in Neural Artistic Style Transfer", 2016).</summary>
public enum ColorPreservation
{
    /// <summary>The painting's palette is transferred with its texture.</summary>
    None,

    /// <summary>Style is transferred on luminance only: content and paintings become grey images (the
    /// paintings' luminance mean and spread matched to the photo's), and the result's luminance is
    /// recombined with the photo's chroma (YIQ).</summary>
    Luminance,

    /// <summary>Before optimising, each painting's colours are mapped so their mean and covariance equal
    /// the photo's; the painting's texture is then transferred in the photo's palette.</summary>
    Histogram,
}
