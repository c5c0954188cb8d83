using System.CommandLine;
using NeuralStyle.Models;

namespace NeuralStyle.Cli.Commands;

/// <summary><c>neural-style models download NAME</c> and <c>neural-style models list</c>.</summary>
public static class ModelsCommand
{
    public static Command Create() => Create(KnownModels.All, Environment.GetEnvironmentVariable);

    /// <summary>
    /// The catalog and the environment lookup are parameters so tests can run the real command
    /// in-process against a model whose hash they control, without changing process-wide state.
    /// </summary>
    internal static Command Create(IReadOnlyList<KnownModel> catalog, Func<string, string?> getEnvironmentVariable)
    {
        var models = new Command("models", "Download and list feature-network weights.");
        models.Subcommands.Add(CreateDownload(catalog, getEnvironmentVariable));
        models.Subcommands.Add(CreateList(catalog, getEnvironmentVariable));
        models.Subcommands.Add(ModelsInspectCommand.Create());
        return models;
    }

    private static Command CreateDownload(IReadOnlyList<KnownModel> catalog, Func<string, string?> getEnv)
    {
        var names = string.Join(" or ", catalog.Select(m => m.Name));
        var name = new Argument<string>("NAME") { Description = $"Which network: {names}." };
        name.CompletionSources.Add(catalog.Select(m => m.Name).ToArray());

        var command = new Command("download",
            $"Download ImageNet weights into the cache (${ModelCache.CacheVariable}, else $XDG_CACHE_HOME/neural-style, else ~/.cache/neural-style). " +
            "An interrupted download resumes when run again.")
        {
            name,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            // Resolve everything that can be wrong with the input before touching the network.
            var model = KnownModels.Get(parseResult.GetRequiredValue(name), catalog);
            var cache = ModelCache.FromEnvironment(getEnv);
            var baseUrl = KnownModels.BaseUrlOverride(getEnv);

            if (cache.TryGetCachedPath(model) is { } cached)
            {
                output.WriteLine($"{model.Name} is already downloaded:");
                output.WriteLine(cached);
                return 0;
            }

            var url = model.UrlUnder(baseUrl);
            output.WriteLine($"Downloading {model.Name} (about {model.ApproximateMegabytes} MB) from {url}");
            using var http = new HttpClient();
            http.DefaultRequestHeaders.UserAgent.ParseAdd("neural-style");
            var downloader = new ModelDownloader(http);
            // A signal now stops the download and keeps its resumable .part (see Signals).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Signals.Token);
            Signals.Graceful = true;
            try
            {
                var path = await DownloadProgressDisplay.RunAsync(output, model, progress =>
                    downloader.DownloadAsync(model, cache, baseUrl, progress, stop.Token));
                output.WriteLine(path);
                return 0;
            }
            catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
            {
                // Ctrl+C: the .part stays, so this is an interruption, not a failure to report at length.
                parseResult.InvocationConfiguration.Error.WriteLine(
                    "neural-style: download interrupted; run the same command again to resume");
                return Signals.ExitCode;
            }
        });
        return command;
    }

    private static Command CreateList(IReadOnlyList<KnownModel> catalog, Func<string, string?> getEnv)
    {
        var command = new Command("list", "Show the downloaded weights in the cache.");
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var cache = ModelCache.FromEnvironment(getEnv);
            var cached = cache.List(catalog);
            if (cached.Count == 0)
            {
                output.WriteLine($"No weights downloaded yet (cache: {cache.ModelsDirectory}).");
                output.WriteLine($"Run `neural-style models download {catalog[0].Name}` (about {catalog[0].ApproximateMegabytes} MB), " +
                                 "or pass a file you already have with --weights PATH.");
                return 0;
            }

            var nameWidth = Math.Max(4, cached.Max(c => (c.Model?.Name ?? "-").Length));
            output.WriteLine($"{"NAME".PadRight(nameWidth)}  {"SIZE",9}  PATH");
            foreach (var c in cached)
                output.WriteLine($"{(c.Model?.Name ?? "-").PadRight(nameWidth)}  {ByteSize.Format(c.SizeBytes),9}  {c.Path}");
            return 0;
        });
        return command;
    }
}
