namespace NeuralStyle.Cli;

/// <summary>
/// The first Ctrl-C asks the run to stop after the current step (so the image so far is saved);
/// a second one ends the process at once, as usual.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public CtrlC() => Console.CancelKeyPress += OnCancel;

    public CancellationToken Token => _source.Token;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return; // second Ctrl-C: let the runtime end the process
        e.Cancel = true;
        Console.Error.WriteLine("neural-style: stopping after this step (Ctrl-C again to quit now)");
        _source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }
}
