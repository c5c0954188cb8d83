namespace NeuralStyle.Cli;

/// <summary>
/// The first Ctrl-C cancels <see cref="Token"/> so the command can stop cleanly (stylize finishes
/// the current step and saves the image so far); a second one ends the process at once, as usual.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly string _notice;

    /// <param name="notice">Printed on the first Ctrl-C: what the command does now.</param>
    public CtrlC(string notice)
    {
        _notice = notice;
        Console.CancelKeyPress += OnCancel;
    }

    public CancellationToken Token => _source.Token;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return; // second Ctrl-C: let the runtime end the process
        e.Cancel = true;
        Console.Error.WriteLine($"neural-style: {_notice} (Ctrl-C again to quit now)");
        _source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }
}
