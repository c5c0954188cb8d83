using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using NeuralStyle.Server.Hosting;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Web;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// A real <c>neural-style serve</c> web server (Kestrel on a free loopback port) in the test process, with its
/// embedded single-file store in a temporary folder, or PostgreSQL when <see cref="ServiceOptions.Database"/> is set.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly TempFolder? _data;

    private RunningServer(WebApplication app, TempFolder? data, string url)
    {
        _app = app;
        _data = data;
        Url = url;
        Client = NewClient(url);
    }

    /// <summary>The client key of <see cref="Client"/>: every test client of a test is the same owner (also across a
    /// server's restart), as one browser is; tests of other owners send their own key.</summary>
    public const string TestKey = "test-client-0123456789";

    /// <summary>A client for <paramref name="url"/> that is <see cref="TestKey"/>'s owner.</summary>
    public static HttpClient NewClient(string url)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add(ClientIdentity.Header, TestKey);
        return client;
    }

    /// <summary>One of the server's own services (its store, its decode budget).</summary>
    public T Service<T>() where T : notnull => (T)_app.Services.GetService(typeof(T))!;

    public string Url { get; }
    public HttpClient Client { get; }
    public string? DataFolder => _data?.Path;

    /// <param name="configure">Changes to the options (limits, worker settings, a database).</param>
    /// <param name="runJobs">Process jobs in this server (the embedded default).</param>
    /// <param name="data">A data folder to use (e.g. to restart on the same store); null = a new temporary one.</param>
    public static async Task<RunningServer> StartAsync(Func<ServiceOptions, ServiceOptions>? configure = null, bool runJobs = true, TempFolder? data = null)
    {
        var owned = data is null ? new TempFolder() : null;
        var folder = data ?? owned!;
        var options = new ServiceOptions
        {
            DataFolder = folder.Path,
            // Previews twice a second, so tests see a job's progress soon.
            Worker = new WorkerOptions { ProgressInterval = TimeSpan.FromMilliseconds(500) },
        };
        options = configure?.Invoke(options) ?? options;
        var app = ServiceHosts.BuildWeb(options, "http://127.0.0.1:0", runJobs);
        await app.StartAsync();
        return new RunningServer(app, owned, ServiceHosts.ListeningUrl(app));
    }

    /// <summary>Creates a job from the bundled examples (or given fields) and returns it.</summary>
    public async Task<JobView> CreateAsync(IReadOnlyDictionary<string, string> fields, params (string Field, string FileName, byte[] Bytes)[] files)
    {
        using var response = await PostJobAsync(fields, files);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/jobs: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<JobView>(body, Json)!;
    }

    public async Task<HttpResponseMessage> PostJobAsync(IReadOnlyDictionary<string, string> fields, params (string Field, string FileName, byte[] Bytes)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        foreach (var (field, fileName, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, field, fileName);
        }
        return await Client.PostAsync("/api/jobs", form);
    }

    public async Task<JobView> GetAsync(string id) => (await Client.GetFromJsonAsync<JobView>($"/api/jobs/{id}", Json))!;

    /// <summary>Polls the job until <paramref name="until"/> holds (or fails the test after <paramref name="timeout"/>).</summary>
    public async Task<JobView> WaitAsync(string id, Func<JobView, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(5));
        while (true)
        {
            var job = await GetAsync(id);
            if (until(job)) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} is still {job.State} at step {job.Progress.Step}: {job.Error}");
            await Task.Delay(200);
        }
    }

    public static bool Finished(JobView job) => job.State is "done" or "failed" or "cancelled";

    /// <summary>A small, quick job on the bundled examples: ResNet18, 128 px.</summary>
    public static Dictionary<string, string> SmallJob(int iterations = 30) => new()
    {
        ["photoExample"] = "chelsea",
        ["paintingExamples"] = "starry_night",
        ["model"] = "resnet18",
        ["size"] = "128",
        ["iterations"] = iterations.ToString(),
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data?.Dispose();
    }
}
