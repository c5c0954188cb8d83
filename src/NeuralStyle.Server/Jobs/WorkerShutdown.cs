namespace NeuralStyle.Server.Jobs;

/// <summary>Set when the process that runs jobs stops (SIGINT, SIGTERM): jobs under way checkpoint and go back to the queue.</summary>
public sealed class WorkerShutdown : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public CancellationToken Token => _source.Token;

    public void Signal() => _source.Cancel();

    public void Dispose() => _source.Dispose();
}
