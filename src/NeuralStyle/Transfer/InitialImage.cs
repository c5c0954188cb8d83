namespace NeuralStyle.Transfer;

/// <summary>Where optimisation starts: the content photo, white noise, or an image file.</summary>
public sealed record InitialImage(InitialImageKind Kind, string? Path = null)
{
    public static readonly InitialImage Content = new(InitialImageKind.Content);
    public static readonly InitialImage Noise = new(InitialImageKind.Noise);

    /// <summary>Parses the CLI form: <c>content</c>, <c>noise</c> or a file path.</summary>
    public static InitialImage Parse(string text) => text switch
    {
        "content" => Content,
        "noise" => Noise,
        _ => new InitialImage(InitialImageKind.File, text),
    };

    public override string ToString() => Kind == InitialImageKind.File ? Path! : Kind.ToString().ToLowerInvariant();
}

public enum InitialImageKind { Content, Noise, File }
