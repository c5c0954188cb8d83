namespace NeuralStyle;

internal static class UserMessage
{
    /// <summary>
    /// Messages of <see cref="NeuralStyleException"/> are printed as one line, but some .NET and OS
    /// messages span several; fold them so the CLI's output stays one line per error. The one helper
    /// for this (library and CLI): every line trimmed, blank lines dropped, joined by single spaces.
    /// </summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary><see cref="OneLine"/> without a final full stop, for a message quoted inside a sentence
    /// ("cannot write X: MESSAGE; do Y").</summary>
    public static string Clause(string text) => OneLine(text).TrimEnd('.');
}
