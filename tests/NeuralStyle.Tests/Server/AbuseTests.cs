using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Storage;
using NeuralStyle.Server.Web;
using NeuralStyle.Tests.Hostile;
using NeuralStyle.Tests.Imaging;
using NeuralStyle.Tests.Support;
using SkiaSharp;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// What an attacker or a careless client sends the job API, against the real server (Kestrel on loopback, its own
/// embedded store and its own limits per test: no state is shared between tests, and no test depends on timing:
/// the rate windows are far longer than a test).
/// </summary>
public class AbuseTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly string Examples = Path.Combine(SharedFiles.RepoRoot, "examples");

    /// <summary>The bomb: 7000×5700 grey zeros, 38 KB, just under the 40-megapixel limit.</summary>
    private static readonly Lazy<byte[]> Bomb = new(() => HostileFiles.HugeBlankPng(7000, 5700, bitDepth: 8));

    private static byte[] Example(string name) => File.ReadAllBytes(Path.Combine(Examples, name));

    private static Dictionary<string, string> Fields(params (string, string)[] changes)
    {
        var fields = RunningServer.SmallJob();
        foreach (var (key, value) in changes) fields[key] = value;
        return fields;
    }

    [Fact]
    public async Task SettingsAreCheckedBeforeAnyImageIsDecodedOrEvenLookedAt()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var gate = server.Service<DecodeGate>();
        var noPhotoExample = Fields(("preset", "nope"));
        noPhotoExample.Remove("photoExample");
        noPhotoExample.Remove("paintingExamples");
        // Five bombs and a wrong preset: refused for the preset, no pixel decoded.
        var bombs = Enumerable.Range(0, 5).Select(i => (i == 0 ? "photo" : "paintings", $"bomb{i}.png", Bomb.Value)).ToArray();
        var (status, error, _) = await Send(server, noPhotoExample, bombs);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("unknown preset 'nope'", error);
        // A file that is no image at all and a wrong size: the size is what is wrong first (the file is never opened).
        (status, error, _) = await Send(server, Fields(("size", "99999")), ("photo", "notes.png", "not an image"u8.ToArray()));
        Assert.Contains("size must be between", error);
        Assert.Equal(0, gate.MegapixelsDecoded);
    }

    [Fact]
    public async Task ImagesThatTogetherClaimTooManyPixelsAreRefusedFromTheirHeaders()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var fields = Fields();
        fields.Remove("photoExample");
        fields.Remove("paintingExamples");
        // Each is under the 40-megapixel limit; the three together are 120.
        var (status, error, _) = await Send(server, fields, ("photo", "a.png", Bomb.Value), ("paintings", "b.png", Bomb.Value), ("paintings", "c.png", Bomb.Value));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 60 megapixels together", error);
        Assert.Equal(0, server.Service<DecodeGate>().MegapixelsDecoded);
    }

    [Fact]
    public async Task ABombUnderTheLimitIsDecodedOnceWithinTheBudgetAndStillChecked()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var job = await server.CreateAsync(Fields(("photoExample", "")), ("photo", "zeros.png", Bomb.Value));
        Assert.Equal("zeros.png", job.Inputs[0]);
        Assert.Equal(40, server.Service<DecodeGate>().MegapixelsDecoded); // 39.9 megapixels, counted in whole ones
        // The same bomb cut short is found by the row-by-row decode.
        var (status, error, _) = await Send(server, Fields(("photoExample", "")), ("photo", "cut.png", Bomb.Value[..(Bomb.Value.Length / 2)]));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("cannot be decoded", error);
    }

    /// <summary>The attack on a real <c>serve</c> process, measured by the kernel (/proc): six requests at once
    /// with five 38 KB 7000×5700 bombs each and a wrong preset (before: 17 s and +1.5 GB each, 8.7 GB together), then six at
    /// once with one such bomb that passes every cheap check but is cut short (so it is decoded, row by row, and refused).
    /// The process's peak memory grows by less than 400 MB, it spends less than 20 s of CPU, and it answers throughout.</summary>
    [SkippableFact]
    public async Task BombsCostTheServerLittleAndItKeepsAnswering()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads /proc");
        using var data = new TempFolder();
        await using var serve = WorkerProcess.StartServe(data.Path, "--threads", "1");
        using var client = RunningServer.NewClient(await serve.WaitServingAsync());
        async Task<HttpStatusCode> Post(IReadOnlyDictionary<string, string> fields, params (string Field, string Name, byte[] Bytes)[] files)
        {
            using var form = new MultipartFormDataContent();
            foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
            foreach (var (field, name, bytes) in files) form.Add(new ByteArrayContent(bytes), field, name);
            using var response = await client.PostAsync("/api/jobs", form);
            return response.StatusCode;
        }
        var photoOnly = new Dictionary<string, string> { ["paintingExamples"] = "scream", ["model"] = "resnet18", ["size"] = "128" };
        // Warm up (the code paths, Skia) with a small cut-short PNG, then measure from here.
        Assert.Equal(HttpStatusCode.BadRequest, await Post(photoOnly, ("photo", "cut.png", Example("chelsea.png")[..40_000])));
        var (peakBefore, cpuBefore) = ProcessUse(serve.Pid);

        var bombs = Enumerable.Range(0, 5).Select(i => (i == 0 ? "photo" : "paintings", $"bomb{i}.png", Bomb.Value)).ToArray();
        var wrongPreset = new Dictionary<string, string> { ["preset"] = "nope" };
        var cut = Bomb.Value[..(Bomb.Value.Length * 3 / 4)];
        var statuses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Post(wrongPreset, bombs))
            .Concat(Enumerable.Range(0, 6).Select(_ => Post(photoOnly, ("photo", "zeros.png", cut)))));
        using (var options = await client.GetAsync("/api/options")) Assert.Equal(HttpStatusCode.OK, options.StatusCode);

        var (peakAfter, cpuAfter) = ProcessUse(serve.Pid);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.BadRequest, s));
        var grew = (peakAfter - peakBefore) / 1e6;
        var cpu = cpuAfter - cpuBefore;
        output.WriteLine($"12 bomb requests: peak memory +{grew:0} MB ({peakBefore / 1e6:0} → {peakAfter / 1e6:0} MB), {cpu:0.00} s of CPU");
        Assert.True(grew < 400, $"peak memory grew by {grew:0} MB");
        Assert.True(cpu < 20, $"{cpu:0.0} s of CPU");
    }

    /// <summary>A process's peak resident memory (VmHWM, bytes) and CPU time so far (user + system, seconds).</summary>
    private static (long PeakBytes, double CpuSeconds) ProcessUse(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:"));
        var peak = long.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14 and 15 of stat)
        return (peak, ticks / 100.0); // USER_HZ is 100 on Linux
    }

    [Fact]
    public async Task TheDecodeBudgetHoldsBackWhatWouldExceedIt()
    {
        using var gate = new DecodeGate(new ServiceLimits { MaxDecodingPixels = 50_000_000, DecodeWait = TimeSpan.FromSeconds(2) });
        var first = await gate.EnterAsync(40_000_000, CancellationToken.None);
        // 40 + 40 > 50: the second waits for the first and, while it is held, gives up with "busy".
        await Assert.ThrowsAsync<ServerBusyException>(() => gate.EnterAsync(40_000_000, CancellationToken.None));
        using (await gate.EnterAsync(10_000_000, CancellationToken.None)) { } // what fits beside it goes on
        var waiting = gate.EnterAsync(40_000_000, CancellationToken.None);
        first.Dispose();
        using (await waiting) { }
        Assert.Equal(90, gate.MegapixelsDecoded); // the one that gave up decoded nothing
    }

    [Fact]
    public async Task SubmissionsBeyondTheRateGet429WithRetryAfter()
    {
        await using var server = await RunningServer.StartAsync(o => o with
        {
            Limits = o.Limits with { SubmissionsPerWindow = 3, RateWindow = TimeSpan.FromMinutes(10), MaxActiveJobsPerClient = 100 },
        }, runJobs: false);
        for (var i = 0; i < 3; i++) await server.CreateAsync(RunningServer.SmallJob());
        var (status, error, response) = await Send(server, RunningServer.SmallJob());
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("too many requests", error);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 600 }, $"Retry-After: {response.Headers.RetryAfter}");
        // Another key from the same address is limited too: keys cost nothing, addresses do.
        (status, _, _) = await Send(server, RunningServer.SmallJob(), key: "another-key-0123456789");
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
    }

    [Fact]
    public async Task AnAddressThatKeepsBeingRefusedIsRefusedUnread()
    {
        await using var server = await RunningServer.StartAsync(o => o with
        {
            Limits = o.Limits with { RefusalsPerWindow = 2, RateWindow = TimeSpan.FromMinutes(10) },
        }, runJobs: false);
        for (var i = 0; i < 2; i++)
        {
            var (refused, _, _) = await Send(server, Fields(("preset", "nope")));
            Assert.Equal(HttpStatusCode.BadRequest, refused);
        }
        // Now even a good request is turned away before its body is read.
        var (status, error, _) = await Send(server, RunningServer.SmallJob());
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("too many requests", error);
        Assert.Empty(server.Service<IJobStore>().List($"key:{RunningServer.TestKey}", 10));
    }

    [Fact]
    public async Task TwentyConcurrentSubmissionsMakeAtMostTheActiveLimit()
    {
        await using var server = await RunningServer.StartAsync(o => o with
        {
            Limits = o.Limits with { MaxActiveJobsPerClient = 5, SubmissionsPerWindow = 100 },
        }, runJobs: false);
        await AssertAtMostFiveOfTwenty(server);
    }

    /// <summary>Twenty POSTs at once, each uploading a 1500×1500 photo (its decode widens any gap between counting and
    /// inserting): exactly five are created, the rest refused with 429, and the store holds five.</summary>
    internal static async Task AssertAtMostFiveOfTwenty(RunningServer server)
    {
        using var noise = new SKBitmap(1500, 1500);
        var random = new Random(21);
        var pixels = new byte[1500 * 1500 * 4];
        random.NextBytes(pixels);
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, noise.GetPixels(), pixels.Length);
        var photo = TestPictures.EncodePng(noise);
        var fields = RunningServer.SmallJob();
        fields.Remove("photoExample");
        using var start = new SemaphoreSlim(0);
        var posts = Enumerable.Range(0, 20).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await server.PostJobAsync(fields, ("photo", "noise.png", photo));
            return response.StatusCode;
        }).ToList();
        start.Release(20);
        var statuses = await Task.WhenAll(posts);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(5, server.Service<IJobStore>().List($"key:{RunningServer.TestKey}", 100).Count);
    }

    [Fact]
    public async Task AnotherClientsJobIsNotThere()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var job = await server.CreateAsync(RunningServer.SmallJob());
        const string stranger = "stranger-0123456789abc";
        foreach (var path in new[] { "", "/preview", "/result", "/plot", "/partial", "/inputs/0", "/inputs/1" })
        {
            using var response = await As(server, stranger, HttpMethod.Get, $"/api/jobs/{job.Id}{path}");
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"GET {path}: {(int)response.StatusCode}");
        }
        using (var cancel = await As(server, stranger, HttpMethod.Post, $"/api/jobs/{job.Id}/cancel"))
            Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        using (var delete = await As(server, stranger, HttpMethod.Delete, $"/api/jobs/{job.Id}"))
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        // Its owner still has it, untouched, photo and all.
        var mine = await server.GetAsync(job.Id);
        Assert.Equal("queued", mine.State);
        Assert.Equal(Example("chelsea.png"), await server.Client.GetByteArrayAsync(mine.Links.Inputs[0]));
    }

    [Fact]
    public async Task ClientsWithoutAKeyEachGetOneOfTheirOwn()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        // Two API clients on the same address, neither sending a key; each keeps the cookie it is given.
        using var first = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var second = new HttpClient { BaseAddress = new Uri(server.Url) };
        var firstJob = await CreateWith(first);
        var secondJob = await CreateWith(second);
        Assert.Equal([firstJob.Id], (await first.GetFromJsonAsync<List<JobView>>("/api/jobs", RunningServer.Json))!.Select(j => j.Id));
        Assert.Equal([secondJob.Id], (await second.GetFromJsonAsync<List<JobView>>("/api/jobs", RunningServer.Json))!.Select(j => j.Id));
        using (var theirs = await second.GetAsync($"/api/jobs/{firstJob.Id}"))
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(Example("chelsea.png"), await first.GetByteArrayAsync(firstJob.Links.Inputs[0]));
    }

    private static async Task<JobView> CreateWith(HttpClient client)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in RunningServer.SmallJob()) form.Add(new StringContent(value), name);
        using var response = await client.PostAsync("/api/jobs", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.Headers.TryGetValues(ClientIdentity.Header, out var keys) && keys.Single().Length >= 16, "no key was given");
        return (await response.Content.ReadFromJsonAsync<JobView>(RunningServer.Json))!;
    }

    [Fact]
    public async Task AMultipartBodyCutShortIsA400WithTheDocumentedJson()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var body = Encoding.ASCII.GetBytes("--XyZ\r\nContent-Disposition: form-data; name=\"preset\"\r\n\r\ngatys\r\n--XyZ\r\n" +
                                           "Content-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n")
            .Concat(Example("chelsea.png")[..5000]).ToArray(); // no closing boundary: the client stopped sending
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XyZ");
        using var response = await server.Client.PostAsync("/api/jobs", content);
        var (status, error) = await Error(response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("cut short", error);
    }

    [Fact]
    public async Task ErrorsNoRouteWroteAreTheDocumentedJsonToo()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        using (var json = await server.Client.PostAsync("/api/jobs", JsonContent.Create(new { preset = "gatys" })))
        {
            var (status, error) = await Error(json);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
            Assert.Contains("multipart/form-data", error);
        }
        using (var urlEncoded = await server.Client.PostAsync("/api/jobs", new FormUrlEncodedContent([new("preset", "gatys")])))
        {
            var (status, error) = await Error(urlEncoded);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
            Assert.Contains("multipart/form-data", error);
        }
        foreach (var path in new[] { "/api/nothing", "/nothing/here" })
        {
            using var missing = await server.Client.GetAsync(path);
            var (status, error) = await Error(missing);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Contains("no such", error);
            Assert.Equal("application/json", missing.Content.Headers.ContentType?.MediaType);
        }
        using (var put = await server.Client.PutAsync("/api/options", new StringContent("")))
        {
            var (status, error) = await Error(put);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
            Assert.Contains("method", error);
        }
    }

    [SkippableFact]
    public async Task AServerWhoseDatabaseIsDownSays503InJson()
    {
        var (postgres, skip) = PostgresServer.TryStart();
        Skip.If(postgres is null, skip);
        await using var server = await RunningServer.StartAsync(o => o with { Database = postgres!.CreateDatabase("down") }, runJobs: false);
        var job = await server.CreateAsync(RunningServer.SmallJob());
        postgres.Dispose(); // the server process stops: every connection is refused
        using var response = await server.Client.GetAsync($"/api/jobs/{job.Id}");
        var (status, error) = await Error(response);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("database cannot be reached", error);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [SkippableFact]
    public async Task TheFullVgg19IsNotOfferedWhereItsWeightsAreMissing()
    {
        Skip.If(ServerModels.Offered.Contains("vgg19"), "the full VGG19 is cached on this machine");
        await using var server = await RunningServer.StartAsync(runJobs: false);
        using var options = JsonDocument.Parse(await server.Client.GetStringAsync("/api/options"));
        var models = options.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("resnet18", models);
        Assert.DoesNotContain("vgg19", models);
        var (status, error, _) = await Send(server, Fields(("model", "vgg19")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not installed on this server", error);
        Assert.DoesNotContain("--", error); // no command-line advice on a web page
    }

    [Fact]
    public async Task SmallDefectsOfTheFormAreRefusedHonestly()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        // A photo 20000×2: refused up front for what it is, not failed later as "loss (NaN)".
        using (var thin = new SKBitmap(20000, 2))
        {
            thin.Erase(SKColors.Gray);
            var (status, error, _) = await Send(server, Fields(("photoExample", "")), ("photo", "strip.png", TestPictures.EncodePng(thin)));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("20000×2", error);
            Assert.Contains("too thin", error);
        }
        // A decimal comma is not a thousands separator: 1,5 is refused, not read as 15.
        var (commaStatus, commaError, _) = await Send(server, Fields(("strength", "1,5")));
        Assert.Equal(HttpStatusCode.BadRequest, commaStatus);
        Assert.Contains("use a point", commaError);
        // A huge field value is refused without being echoed back.
        foreach (var length in new[] { 3_000_000, 5_000_000 })
        {
            var (status, error, response) = await Send(server, Fields(("preset", new string('x', length))));
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{(int)status} {error[..Math.Min(200, error.Length)]}");
            Assert.True(error.Length < 300, $"an error of {error.Length} characters");
        }
        Assert.Empty(server.Service<IJobStore>().List($"key:{RunningServer.TestKey}", 10));
    }

    [Fact]
    public async Task DisplayedNamesHaveNoBidiControlsAndAreCutWhole()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var photo = Example("chelsea.png");
        var spoof = await server.CreateAsync(Fields(("photoExample", "")), ("photo", "invoice\u202Egpj.exe", photo));
        Assert.Equal("invoicegpj.exe", spoof.Inputs[0]);

        var emoji = string.Concat(Enumerable.Repeat("🐱", 100)) + ".png"; // 100 cats: 200 UTF-16 units
        var cut = (await server.CreateAsync(Fields(("photoExample", "")), ("photo", emoji, photo))).Inputs[0];
        Assert.EndsWith("….png", cut);
        Assert.True(new System.Globalization.StringInfo(cut).LengthInTextElements <= DisplayName.MaxLength, cut);
        Assert.True(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(cut)) == cut, "a half emoji does not survive UTF-8");
    }

    [Fact]
    public async Task ACancelledJobsImageSoFarCanBeDownloaded()
    {
        await using var server = await RunningServer.StartAsync();
        var job = await server.CreateAsync(RunningServer.SmallJob(2000));
        await server.WaitAsync(job.Id, j => j.PreviewVersion > 0 || RunningServer.Finished(j));
        using (await server.Client.PostAsync($"/api/jobs/{job.Id}/cancel", null)) { }
        var cancelled = await server.WaitAsync(job.Id, RunningServer.Finished, TimeSpan.FromMinutes(2));
        Assert.Equal("cancelled", cancelled.State);
        Assert.NotNull(cancelled.Links.Partial);
        using var partial = await server.Client.GetAsync(cancelled.Links.Partial);
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.Equal("attachment", partial.Content.Headers.ContentDisposition?.DispositionType);
        using var image = SKBitmap.Decode(await partial.Content.ReadAsByteArrayAsync());
        Assert.True(image is { Width: > 0 }, "the partial image does not decode");
    }

    private static async Task<HttpResponseMessage> As(RunningServer server, string key, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add(ClientIdentity.Header, key);
        return await server.Client.SendAsync(request);
    }

    private static async Task<(HttpStatusCode Status, string Error, HttpResponseMessage Response)> Send(RunningServer server,
        IReadOnlyDictionary<string, string> fields, params (string, string, byte[])[] files) =>
        await Send(server, fields, null, files);

    private static async Task<(HttpStatusCode Status, string Error, HttpResponseMessage Response)> Send(RunningServer server,
        IReadOnlyDictionary<string, string> fields, string? key, params (string Field, string FileName, byte[] Bytes)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields.Where(f => f.Value.Length > 0)) form.Add(new StringContent(value), name);
        foreach (var (field, fileName, bytes) in files) form.Add(new ByteArrayContent(bytes), field, fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = form };
        if (key is not null) request.Headers.Add(ClientIdentity.Header, key);
        var response = await server.Client.SendAsync(request);
        var (status, error) = await Error(response);
        return (status, error, response);
    }

    private static async Task<(HttpStatusCode Status, string Error)> Error(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(body) && !response.IsSuccessStatusCode, $"{(int)response.StatusCode} with an empty body");
        string error;
        try
        {
            error = JsonSerializer.Deserialize<ApiError>(body, RunningServer.Json)?.Error ?? body;
        }
        catch (JsonException)
        {
            error = body;
        }
        return (response.StatusCode, error);
    }
}

/// <summary>The active-job limit in PostgreSQL (what a scaled-out service shares): the same twenty concurrent POSTs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAbuseTests(PostgresFixture postgres)
{
    [SkippableFact]
    public async Task TwentyConcurrentSubmissionsMakeAtMostTheActiveLimitInPostgres()
    {
        var database = postgres.Server.CreateDatabase("limit");
        await using var server = await RunningServer.StartAsync(o => o with
        {
            Database = database, Limits = o.Limits with { MaxActiveJobsPerClient = 5, SubmissionsPerWindow = 100 },
        }, runJobs: false);
        await AbuseTests.AssertAtMostFiveOfTwenty(server);
    }
}
