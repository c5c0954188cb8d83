using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Web;

namespace NeuralStyle.Server.Hosting;

/// <summary>The two processes of the service: the web server (page + API; with the embedded store it also runs the
/// jobs) and the worker (jobs only, for <c>--database</c>). The CLI's serve and worker commands only call these.</summary>
public static class ServiceHosts
{
    /// <param name="url">Where to listen, e.g. http://127.0.0.1:8080 (port 0 = any free port).</param>
    /// <param name="runJobs">Also process jobs here (the default without <c>--database</c>).</param>
    public static WebApplication BuildWeb(ServiceOptions options, string url, bool runJobs)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.Limits.MaxUploadBytes);
        Logging(builder.Logging);
        AddJobService(builder.Services, options, runJobs);
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "NeuralStyle job service";
            document.Info.Description = "Upload a photo and paintings, follow the job live, download the result.";
            return Task.CompletedTask;
        }));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling =
            System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals);
        builder.Services.AddSingleton(_ => new SubmissionLimiter(options.Limits));
        builder.Services.AddSingleton(_ => new DecodeGate(options.Limits));
        var app = builder.Build();
        var service = app.Services.GetRequiredService<JobService>();
        if (runJobs && !options.UsesPostgres)
            EmbeddedRecovery.RequeueOrphans(service.Store, app.Services.GetRequiredService<IBackgroundJobClient>());
        ErrorBodies.Use(app);
        BrowserSafety.Use(app, BrowserSafety.AllowedHosts(new Uri(url).Host, options.AllowedHosts));
        app.MapOpenApi("/openapi/{documentName}.json");
        JobApi.Map(app);
        PageFiles.Map(app);
        return app;
    }

    /// <summary>The address a started web server listens on (the real port when it was asked for port 0).</summary>
    public static string ListeningUrl(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();

    public static IHost BuildWorker(ServiceOptions options)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        Logging(builder.Logging);
        AddJobService(builder.Services, options, runJobs: true);
        var host = builder.Build();
        host.Services.GetRequiredService<JobService>();
        return host;
    }

    private static void AddJobService(IServiceCollection services, ServiceOptions options, bool runJobs)
    {
        var service = JobService.Open(options);
        // Made by a factory, so the container owns it and disposes it with the host (its folder lock, its connections).
        services.AddSingleton(_ => service);
        services.AddSingleton(provider => provider.GetRequiredService<JobService>().Store);
        services.AddSingleton(options);
        services.AddSingleton(options.Limits);
        services.AddSingleton(options.Worker);
        services.AddSingleton<IBackgroundJobClient>(provider => new BackgroundJobClient(provider.GetRequiredService<JobService>().Queue));
        services.AddSingleton<WorkerShutdown>();
        services.AddTransient<StyleJobRunner>();
        // Every process of the service looks for stranded jobs, so one that outlived its worker is found as long as any part runs.
        services.AddHostedService<JobReaper>();
        if (runJobs) services.AddHostedService<JobProcessing>();
    }

    /// <summary>One line per warning or error on the console; the service's own messages at information.</summary>
    private static void Logging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("NeuralStyle", LogLevel.Information);
        // ErrorBodies logs what it answers with 500 itself (and a database outage in one line, not a stack per request).
        logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);
    }
}
