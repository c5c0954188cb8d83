using Hangfire;
using NeuralStyle.Server.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NeuralStyle.Server.Hosting;

/// <summary>A Hangfire server inside a host: takes jobs from the queue and runs them (<see cref="Jobs.StyleJobRunner"/>,
/// made by the host's services), until the host stops; then jobs under way checkpoint and go back to the queue.</summary>
internal sealed class JobProcessing(JobService service, ServiceOptions options, WorkerShutdown shutdown, IServiceProvider services) : IHostedService, IDisposable
{
    private BackgroundJobServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            WorkerCount = options.Worker.Jobs,
            ServerName = options.Worker.Name,
            Activator = new ServiceActivator(services),
            // A step at most, then the checkpoint: jobs under way are given back within this.
            ShutdownTimeout = TimeSpan.FromMinutes(2),
            // Queued jobs are found within a second (the storage's poll interval); heartbeats tell dead servers.
            HeartbeatInterval = TimeSpan.FromSeconds(5),
            ServerCheckInterval = TimeSpan.FromSeconds(15),
            ServerTimeout = TimeSpan.FromSeconds(45),
        }, service.Queue);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null) return;
        // Jobs under way checkpoint, give themselves back and end with OperationCanceledException, which Hangfire,
        // stopping, answers by putting them back in its queue (see StyleJobRunner.Run).
        shutdown.Signal();
        _server.SendStop();
        await _server.WaitForShutdownAsync(cancellationToken);
    }

    public void Dispose() => _server?.Dispose();

    private sealed class ServiceActivator(IServiceProvider services) : JobActivator
    {
        public override object ActivateJob(Type jobType) => ActivatorUtilities.GetServiceOrCreateInstance(services, jobType);
    }
}
