using System.CommandLine;
using NeuralStyle.Server.Hosting;
using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Cli.Commands;

/// <summary><c>neural-style serve [--port 8080]</c>: the web page and the HTTP API. Without <c>--database</c> it also
/// runs the jobs (embedded single-file store); with it, it only queues them for <c>neural-style worker</c>s.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var flags = new ServiceFlags();
        var port = new Option<int>("--port") { Description = "Port to listen on (0 = any free port).", DefaultValueFactory = _ => 8080 };
        var hostOption = new Option<string>("--host") { Description = "IP address to listen on, or localhost; 0.0.0.0 or :: for every network (default: 127.0.0.1, this machine only).", DefaultValueFactory = _ => "127.0.0.1" };
        var maxUpload = new Option<double?>("--max-upload-mb") { Description = "Largest upload per job in MB (default 20)." };
        var maxSize = new Option<int?>("--max-size") { Description = "Largest result a job may ask for, longest side in pixels (default 2048)." };
        var maxPixels = new Option<double?>("--max-input-megapixels") { Description = "Largest uploaded image in megapixels (default 40)." };
        var maxQueued = new Option<int?>("--max-jobs-per-client") { Description = "Jobs one client (its key) may have queued or running (default 5)." };
        var allowedHosts = new Option<string[]>("--allowed-hosts")
        {
            Description = "Host names the server answers to besides localhost and the --host address, comma-separated (* = any; others are refused, against DNS rebinding).",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("serve", "Run the web app: upload a photo and paintings, watch the job paint live, download the result; an HTTP API (/openapi/v1.json) does the same.");
        foreach (var option in new Option[] { port, hostOption, maxUpload, maxSize, maxPixels, maxQueued, allowedHosts }) command.Options.Add(option);
        flags.AddTo(command);
        command.SetAction((parsed, cancellation) => Task.Run(() =>
        {
            var url = ListenAddress.Url(parsed.GetValue(hostOption)!, parsed.GetValue(port)); // first: a typo must not listen anywhere
            var defaults = new ServiceLimits();
            var limits = defaults with
            {
                MaxUploadBytes = parsed.GetValue(maxUpload) is { } mb ? (long)(mb * 1e6) : defaults.MaxUploadBytes,
                MaxOutputSide = parsed.GetValue(maxSize) ?? defaults.MaxOutputSide,
                MaxInputPixels = parsed.GetValue(maxPixels) is { } mp ? (long)(mp * 1e6) : defaults.MaxInputPixels,
                MaxActiveJobsPerClient = parsed.GetValue(maxQueued) ?? defaults.MaxActiveJobsPerClient,
            };
            if (limits.MaxUploadBytes < 10_000 || limits.MaxOutputSide is < 16 or > 8192 || limits.MaxInputPixels < 10_000 || limits.MaxActiveJobsPerClient < 1)
                throw new NeuralStyleException("the limits must be positive (upload ≥ 0.01 MB, size 16–8192, ≥ 0.01 megapixels, ≥ 1 job)");
            var options = flags.ToOptions(parsed, limits) with
            {
                AllowedHosts = (parsed.GetValue(allowedHosts) ?? []).SelectMany(h => h.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList(),
            };
            return ServiceRun.Run(() => ServiceHosts.BuildWeb(options, url, runJobs: !options.UsesPostgres), host =>
            {
                var where = ServiceHosts.ListeningUrl((Microsoft.AspNetCore.Builder.WebApplication)host);
                var jobs = options.UsesPostgres ? "jobs run on neural-style workers" : $"jobs run here, {options.Worker.Jobs} at a time";
                var reach = ListenAddress.IsLoopback(parsed.GetValue(hostOption)!) ? "this machine only" : "reachable from the network";
                return $"serving {where} ({reach}; {jobs}; {host.Services.GetService(typeof(JobService)) switch { JobService s => s.Description, _ => "" }})";
            }, cancellation);
        }));
        return command;
    }
}
