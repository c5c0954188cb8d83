namespace NeuralStyle.Cli.Progress;

/// <summary>Sends each report to several listeners (the screen and the JSON log).</summary>
internal sealed class ProgressFanOut<T>(params IProgress<T>?[] listeners) : IProgress<T>
{
    public void Report(T value)
    {
        foreach (var listener in listeners) listener?.Report(value);
    }
}
