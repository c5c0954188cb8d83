using Microsoft.Extensions.Hosting;

namespace NeuralStyle.Cli.Commands;

/// <summary>Runs a service host until SIGINT/SIGTERM: starts it, prints one line saying where it is, and on the
/// signal stops it gracefully (jobs under way checkpoint and go back to the queue).</summary>
internal static class ServiceRun
{
    public static int Run(Func<IHost> build, Func<IHost, string> describe, CancellationToken cancellation)
    {
        using var host = build();
        host.Start();
        Signals.StopNotice = "stopping: jobs under way are checkpointed and go back to the queue";
        Signals.Graceful = true;
        Console.WriteLine($"neural-style: {describe(host)}");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, Signals.Token);
        stop.Token.WaitHandle.WaitOne();
        host.StopAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
        Console.WriteLine("neural-style: stopped");
        return 0; // a service asked to stop has done nothing wrong
    }
}
