using System.Globalization;

namespace NeuralStyle.Server.Web;

/// <summary>
/// The name an upload is shown by (gallery, captions, messages): the browser's file name, never used as a path. Only its
/// last part; no control characters and no bidirectional controls (U+202E would show "invoice\u202Egpj.exe" as
/// "invoiceexe.jpg"); at most <see cref="MaxLength"/> characters as a person counts them (an emoji is one, never cut in
/// half), shortened in the middle so the extension stays.
/// </summary>
public static class DisplayName
{
    public const int MaxLength = 80;

    public static string Of(string? fileName)
    {
        var last = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        var clean = new string(last.Where(c => !char.IsControl(c) && !IsBidiControl(c)).ToArray()).Trim();
        if (clean.Length == 0) return "upload";
        var elements = TextElements(clean);
        if (elements.Count <= MaxLength) return clean;
        var extension = Path.GetExtension(clean) is { Length: > 1 and <= 10 } ext && !ext.Any(IsSurrogateOrCombining) ? ext : "";
        var keep = MaxLength - 1 - extension.Length;
        var stem = TextElements(clean[..^extension.Length]);
        return string.Concat(stem.Take(keep)) + "…" + extension;
    }

    private static List<string> TextElements(string text)
    {
        var elements = new List<string>();
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext()) elements.Add((string)e.Current);
        return elements;
    }

    private static bool IsSurrogateOrCombining(char c) => char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;

    /// <summary>The characters that reorder text (embeddings, overrides, isolates, marks): a name needs none of them.</summary>
    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
