namespace NeuralStyle.Imaging;

internal static class UserMessage
{
    /// <summary>
    /// Messages of <see cref="NeuralStyleException"/> are printed as one line, but some .NET and OS
    /// messages span several; fold them so the CLI's output stays one line per error.
    /// </summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
