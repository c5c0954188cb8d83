using System.Globalization;

namespace NeuralStyle.Transfer;

/// <summary>Where optimisation starts: the content photo, white noise, a blend of the two, or an image file.</summary>
/// <param name="NoiseAmount">For <see cref="InitialImageKind.NoiseBlend"/>: the start is
/// (1 − a)·content + a·noise. Some noise lets the style break the photo's flat areas, which a pure
/// content start keeps smooth, while the photo's layout is kept, which a pure noise start must rebuild.</param>
public sealed record InitialImage(InitialImageKind Kind, string? Path = null, double NoiseAmount = 0)
{
    public static readonly InitialImage Content = new(InitialImageKind.Content);
    public static readonly InitialImage Noise = new(InitialImageKind.Noise);

    private const string NoiseBlendPrefix = "noise-blend:";

    /// <summary>Parses the CLI form: <c>content</c>, <c>noise</c>, <c>noise-blend:A</c> (A in [0,1]) or a file path.</summary>
    public static InitialImage Parse(string text) => text switch
    {
        "content" => Content,
        "noise" => Noise,
        _ when text.StartsWith(NoiseBlendPrefix, StringComparison.Ordinal) => NoiseBlend(text[NoiseBlendPrefix.Length..]),
        _ => new InitialImage(InitialImageKind.File, text),
    };

    private static InitialImage NoiseBlend(string amount)
    {
        if (!double.TryParse(amount, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) || !(a is >= 0 and <= 1))
            throw new NeuralStyleException($"--init noise-blend:A needs A between 0 and 1 (the share of noise), not '{amount}'");
        return new InitialImage(InitialImageKind.NoiseBlend, NoiseAmount: a);
    }

    public override string ToString() => Kind switch
    {
        InitialImageKind.File => Path!,
        InitialImageKind.NoiseBlend => NoiseBlendPrefix + NoiseAmount.ToString(CultureInfo.InvariantCulture),
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

public enum InitialImageKind { Content, Noise, File, NoiseBlend }
