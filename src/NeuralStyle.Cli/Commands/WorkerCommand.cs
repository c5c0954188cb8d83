using System.CommandLine;
using NeuralStyle.Server.Hosting;
using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Cli.Commands;

/// <summary><c>neural-style worker --database postgres://…</c>: takes jobs from the shared queue and runs them, on
/// as many machines as there are workers. Needs nothing but the database.</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var flags = new ServiceFlags();
        var command = new Command("worker", "Run jobs of a neural-style serve --database … service: any number of workers, on any machine that reaches the database.");
        flags.AddTo(command);
        flags.Database.Required = true;
        command.SetAction((parsed, cancellation) => Task.Run(() =>
        {
            var options = flags.ToOptions(parsed, new ServiceLimits());
            return ServiceRun.Run(() => ServiceHosts.BuildWorker(options),
                host => $"worker {options.Worker.Name} taking jobs from {host.Services.GetService(typeof(JobService)) switch { JobService s => s.Description, _ => "" }}, {options.Worker.Jobs} at a time",
                cancellation);
        }));
        return command;
    }
}
