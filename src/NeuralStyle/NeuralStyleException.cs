namespace NeuralStyle;

/// <summary>
/// A problem the user can fix (a missing file, a bad option, corrupt weights). Its message is one
/// clear sentence meant to be printed as-is; the CLI shows it without a stack trace.
/// </summary>
public sealed class NeuralStyleException : Exception
{
    public NeuralStyleException(string message) : base(message) { }
    public NeuralStyleException(string message, Exception inner) : base(message, inner) { }
}
