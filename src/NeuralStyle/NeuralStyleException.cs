namespace NeuralStyle;

/// <summary>
/// A problem the user can fix (a missing file, a bad option, corrupt weights). Its message is one
/// clear sentence meant to be printed as-is; the CLI shows it without a stack trace.
/// </summary>
public class NeuralStyleException : Exception
{
    public NeuralStyleException(string message) : base(message) { }
    public NeuralStyleException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A setting that no run can use. <see cref="Exception.Message"/> names the setting as the library does
/// ("Size must be between 16 and 8192 pixels"); a front end that calls it something else (the CLI's
/// <c>--size</c>) puts its own name before <see cref="Detail"/>.
/// </summary>
public sealed class SettingException(string setting, string detail) : NeuralStyleException($"{setting} {detail}")
{
    /// <summary>The <see cref="Transfer.StyleTransferSettings"/> property (or input, e.g. StyleBlend) at fault.</summary>
    public string Setting { get; } = setting;

    /// <summary>What is wrong with it, without its name ("must be between 16 and 8192 pixels").</summary>
    public string Detail { get; } = detail;
}
