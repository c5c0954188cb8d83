using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NeuralStyle;

/// <summary>
/// The one place that makes text fit to show a user (library and CLI): every message of a
/// <see cref="NeuralStyleException"/> and every error line passes <see cref="OneLine"/>.
/// </summary>
internal static partial class UserMessage
{
    /// <summary>
    /// One line a terminal shows as plain text: .NET and OS messages that span several lines are folded (every line
    /// trimmed, blank lines dropped, joined by single spaces); libtorch's C++ backtrace and source paths ("Exception
    /// raised from … (most recent call first): frame #0 …") are cut off, as nobody can act on them (NEURAL_STYLE_DEBUG=1
    /// prints the whole exception); and control characters (escape sequences, bells, carriage returns, bidirectional
    /// overrides) that a file name or a file's content brought in are shown escaped, \x1B, so they cannot rewrite the
    /// terminal.
    /// </summary>
    public static string OneLine(string text)
    {
        var backtrace = NativeBacktrace().Match(text);
        if (backtrace.Success) text = text[..backtrace.Index];
        var joined = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return TerminalSafe(joined).TrimEnd();
    }

    /// <summary><see cref="OneLine"/> without a final full stop, for a message quoted inside a sentence
    /// ("cannot write X: MESSAGE; do Y").</summary>
    public static string Clause(string text) => OneLine(text).TrimEnd('.');

    /// <summary>A piece of untrusted text (a CSV line, a program's output) to quote in a message: at most
    /// <paramref name="max"/> characters, the rest said by its length, so a 20 MB line is not echoed whole.</summary>
    public static string Excerpt(string text, int max = 120) =>
        text.Length <= max ? text : string.Create(CultureInfo.InvariantCulture, $"{text[..max]}… ({text.Length} characters)");

    private static string TerminalSafe(string text)
    {
        if (!text.Any(NeedsEscape)) return text;
        var safe = new StringBuilder(text.Length + 16);
        foreach (var c in text)
            if (NeedsEscape(c)) safe.Append(c <= 0xFF ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
            else safe.Append(c);
        return safe.ToString();
    }

    // C0 and C1 controls and DEL, and the bidirectional embeddings, overrides and isolates that reorder what follows.
    private static bool NeedsEscape(char c) => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    // libtorch's c10::Error text: the message, then where it was raised and the frames.
    [GeneratedRegex(@"\s*(Exception raised from |\(most recent call first\)|frame #0: )")]
    private static partial Regex NativeBacktrace();
}
