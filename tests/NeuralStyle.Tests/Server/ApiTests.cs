using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NeuralStyle.Imaging;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Web;
using NeuralStyle.Tests.Imaging;
using NeuralStyle.Tests.Support;
using SkiaSharp;

namespace NeuralStyle.Tests.Server;

/// <summary>The HTTP API against the real server (Kestrel on loopback, embedded SQLite store, real jobs).</summary>
public class ApiTests
{
    private static readonly string Examples = Path.Combine(SharedFiles.RepoRoot, "examples");

    private static byte[] Example(string name) => File.ReadAllBytes(Path.Combine(Examples, name));

    [Fact]
    public async Task AJobRunsToTheEndWithPreviewsProgressResultAndPlot()
    {
        await using var server = await RunningServer.StartAsync();
        var job = await server.CreateAsync(RunningServer.SmallJob(20));
        Assert.Equal("queued", job.State);
        Assert.True(JobId.IsWellFormed(job.Id), job.Id);

        var done = await server.WaitAsync(job.Id, RunningServer.Finished);
        Assert.Equal("done", done.State);
        Assert.Null(done.Error);
        Assert.Equal(done.Progress.TotalSteps, done.Progress.Step);
        Assert.True(done.Progress.TotalSteps >= 20, $"{done.Progress.TotalSteps} steps");
        Assert.NotEmpty(done.Progress.Losses);
        Assert.All(done.Progress.Losses, p => Assert.True(double.IsFinite(p.Total) && p.Total > 0));
        Assert.True(done.PreviewVersion >= 1);
        Assert.Equal(1, done.Attempts);

        using var result = await server.Client.GetAsync(done.Links.Result);
        Assert.Equal("image/png", result.Content.Headers.ContentType?.MediaType);
        using (var image = SKBitmap.Decode(await result.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal(128, Math.Max(image.Width, image.Height));
            Assert.Equal(85, image.Height); // chelsea.png is 451×300
        }
        using (var plot = SKBitmap.Decode(await server.Client.GetByteArrayAsync(done.Links.Plot)))
            Assert.True(plot.Width > 100);
        using (var preview = SKBitmap.Decode(await server.Client.GetByteArrayAsync($"/api/jobs/{job.Id}/preview")))
            Assert.NotNull(preview);
        // The inputs are stored as uploaded (here: the bundled example, byte for byte).
        Assert.Equal(Example("chelsea.png"), await server.Client.GetByteArrayAsync(done.Links.Inputs[0]));
        Assert.Equal(Example("starry_night.jpg"), await server.Client.GetByteArrayAsync(done.Links.Inputs[1]));
    }

    [Fact]
    public async Task UploadsAreRecognisedByDecodingNotByNameOrType()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var fields = new Dictionary<string, string> { ["paintingExamples"] = "scream", ["model"] = "resnet18", ["size"] = "64" };
        // A real PNG named .txt is taken…
        var job = await server.CreateAsync(fields, ("photo", "holiday.txt", Example("chelsea.png")));
        Assert.Equal("holiday.txt", job.Inputs[0]);
        // …a text file named .png is not, nor a PNG cut short, nor an empty file.
        await ExpectError(server, fields, HttpStatusCode.BadRequest, "is not an image", ("photo", "photo.png", "hello, world\n"u8.ToArray()));
        await ExpectError(server, fields, HttpStatusCode.BadRequest, "cannot be decoded", ("photo", "cut.png", Example("chelsea.png")[..40_000]));
        await ExpectError(server, fields, HttpStatusCode.BadRequest, "choose a photo", ("photo", "empty.png", []));
        await ExpectError(server, new Dictionary<string, string> { ["photoExample"] = "chelsea" }, HttpStatusCode.BadRequest, "not an image",
            ("paintings", "notes.jpg", "%PDF-1.4"u8.ToArray()));
    }

    [Fact]
    public async Task ImagesWithTooManyPixelsAreRefusedFromTheirHeader()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var fields = new Dictionary<string, string> { ["paintingExamples"] = "scream" };
        // A decompression bomb: a PNG header claiming 60000×60000 pixels (3.6 gigapixels) and almost no data.
        await ExpectError(server, fields, HttpStatusCode.BadRequest, "megapixels", ("photo", "bomb.png", TestPictures.PngClaimingSize(60000, 60000)));

        await using var strict = await RunningServer.StartAsync(o => o with { Limits = o.Limits with { MaxInputPixels = 100_000 } }, runJobs: false);
        await ExpectError(strict, fields, HttpStatusCode.BadRequest, "above this server's limit of 0.1 megapixels", ("photo", "chelsea.png", Example("chelsea.png")));
    }

    [Fact]
    public async Task UploadsOverTheSizeLimitGetA413WithAMessage()
    {
        await using var server = await RunningServer.StartAsync(o => o with { Limits = o.Limits with { MaxUploadBytes = 200_000 } }, runJobs: false);
        var (status, error) = await Error(await server.PostJobAsync(new Dictionary<string, string> { ["paintingExamples"] = "scream" },
            ("photo", "astronaut.png", Example("astronaut.png")))); // 790 KB
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("larger than this server's limit of 0.2 MB", error);
    }

    [Fact]
    public async Task SettingsOutsideTheLimitsAreRefusedBeforeQueueing()
    {
        await using var server = await RunningServer.StartAsync(o => o with { Limits = o.Limits with { MaxOutputSide = 256 } }, runJobs: false);
        var cases = new (string Field, string Value, string Message)[]
        {
            ("preset", "vangogh", "unknown preset"),
            ("model", "/etc/passwd", "unknown model"),
            ("model", "onnx:/tmp/x.onnx", "unknown model"),
            ("size", "1024", "between 16 and 256"),
            ("size", "big", "not a number"),
            ("iterations", "0", "iterations must be"),
            ("strength", "1e9", "strength must be"),
            ("preserveColor", "sepia", "unknown colour preservation"),
            ("styleBlend", "1,2", "2 weights for 1 paintings"),
        };
        foreach (var (field, value, message) in cases)
        {
            var fields = RunningServer.SmallJob();
            fields[field] = value;
            await ExpectError(server, fields, HttpStatusCode.BadRequest, message);
        }
        await ExpectError(server, new Dictionary<string, string> { ["photoExample"] = "chelsea" }, HttpStatusCode.BadRequest, "choose at least one painting");
        await ExpectError(server, new Dictionary<string, string> { ["photoExample"] = "../../etc/passwd", ["paintingExamples"] = "scream" },
            HttpStatusCode.BadRequest, "no example photo");
        var list = await server.Client.GetFromJsonAsync<List<JobView>>("/api/jobs", RunningServer.Json);
        Assert.Empty(list!);
    }

    [Fact]
    public async Task OneClientMayHaveOnlySoManyJobsQueued()
    {
        await using var server = await RunningServer.StartAsync(o => o with { Limits = o.Limits with { MaxActiveJobsPerClient = 2 } }, runJobs: false);
        var first = await server.CreateAsync(RunningServer.SmallJob());
        await server.CreateAsync(RunningServer.SmallJob());
        await ExpectError(server, RunningServer.SmallJob(), HttpStatusCode.TooManyRequests, "2 jobs queued or running");
        // A cancelled job no longer counts.
        using (await server.Client.PostAsync($"/api/jobs/{first.Id}/cancel", null)) { }
        Assert.Equal("cancelled", (await server.GetAsync(first.Id)).State);
        await server.CreateAsync(RunningServer.SmallJob());
    }

    [Fact]
    public async Task EachClientKeySeesItsOwnGallery()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var alice = "alice-0123456789abcdef";
        var bob = "bob-0123456789abcdef00";
        var aliceJob = await CreateAs(server, alice);
        var bobJob = await CreateAs(server, bob);
        Assert.Equal([aliceJob], await GalleryOf(server, alice));
        Assert.Equal([bobJob], await GalleryOf(server, bob));

        // "Again with changes": Alice may reuse her job's images, Bob may not.
        var again = RunningServer.SmallJob();
        again.Remove("photoExample");
        again.Remove("paintingExamples");
        again["fromJob"] = aliceJob;
        again["size"] = "96";
        using var mine = await Send(server, alice, again);
        Assert.Equal(HttpStatusCode.Created, mine.StatusCode);
        var reused = JsonSerializer.Deserialize<JobView>(await mine.Content.ReadAsStringAsync(), RunningServer.Json)!;
        Assert.Equal(["chelsea.png", "starry_night.jpg"], reused.Inputs);
        Assert.Equal(96, reused.Request.Size);
        using (var input = new HttpRequestMessage(HttpMethod.Get, reused.Links.Inputs[0]))
        {
            input.Headers.Add(ClientIdentity.Header, alice);
            using var photo = await server.Client.SendAsync(input);
            Assert.Equal(Example("chelsea.png"), await photo.Content.ReadAsByteArrayAsync());
        }
        using var theirs = await Send(server, bob, again);
        Assert.Equal(HttpStatusCode.BadRequest, theirs.StatusCode);
        Assert.Contains("not in your gallery", await theirs.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CancellingStopsARunningJobAndDeletingRemovesIt()
    {
        await using var server = await RunningServer.StartAsync();
        var job = await server.CreateAsync(RunningServer.SmallJob(2000));
        var running = await server.WaitAsync(job.Id, j => j.State == "running" && j.Progress.Step > 0 || RunningServer.Finished(j));
        Assert.Equal("running", running.State);
        using (var cancel = await server.Client.PostAsync($"/api/jobs/{job.Id}/cancel", null))
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var cancelled = await server.WaitAsync(job.Id, RunningServer.Finished, TimeSpan.FromMinutes(2));
        Assert.Equal("cancelled", cancelled.State);
        Assert.True(cancelled.Progress.Step < 2000);
        await Task.Delay(1500);
        Assert.Equal(cancelled.Progress.Step, (await server.GetAsync(job.Id)).Progress.Step); // it really stopped
        using (var none = await server.Client.GetAsync($"/api/jobs/{job.Id}/result"))
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);

        using (var delete = await server.Client.DeleteAsync($"/api/jobs/{job.Id}"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        foreach (var path in new[] { $"/api/jobs/{job.Id}", $"/api/jobs/{job.Id}/preview", $"/api/jobs/{job.Id}/inputs/0" })
        {
            using var gone = await server.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
    }

    [Fact]
    public async Task NoRouteTakesAPathAndUnknownIdsAre404()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var ids = new HashSet<string>();
        for (var i = 0; i < 1000; i++) Assert.True(ids.Add(JobId.New()));
        Assert.All(ids, id => Assert.True(JobId.IsWellFormed(id)));
        foreach (var path in new[]
                 {
                     "/api/jobs/aaaaaaaaaaaaaaaaaaaaaaaaaa", "/api/jobs/..%2F..%2Fetc%2Fpasswd", "/api/jobs/1/result",
                     "/api/examples/..%2F..%2Fetc%2Fpasswd", "/api/examples/chelsea.png", "/etc/passwd", "/../README.md", "/wwwroot/app.js",
                 })
        {
            using var response = await server.Client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }
        using var page = await server.Client.GetAsync("/");
        Assert.Contains("<title>NeuralStyle</title>", await page.Content.ReadAsStringAsync());
        Assert.Equal(Example("chelsea.png"), await server.Client.GetByteArrayAsync("/api/examples/chelsea"));
    }

    [Fact]
    public async Task TheApiIsDescribedByOpenApi()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        using var document = JsonDocument.Parse(await server.Client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/preview", "/api/jobs/{id}/result", "/api/jobs/{id}/cancel", "/api/examples" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        Assert.True(paths.GetProperty("/api/jobs").TryGetProperty("post", out var post));
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        Assert.True(paths.GetProperty("/api/jobs/{id}").TryGetProperty("delete", out _));
    }

    private static async Task<string> CreateAs(RunningServer server, string key)
    {
        using var response = await Send(server, key, RunningServer.SmallJob());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonSerializer.Deserialize<JobView>(await response.Content.ReadAsStringAsync(), RunningServer.Json)!.Id;
    }

    private static async Task<HttpResponseMessage> Send(RunningServer server, string key, Dictionary<string, string> fields)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = form };
        request.Headers.Add(ClientIdentity.Header, key);
        return await server.Client.SendAsync(request);
    }

    private static async Task<List<string>> GalleryOf(RunningServer server, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/jobs");
        request.Headers.Add(ClientIdentity.Header, key);
        using var response = await server.Client.SendAsync(request);
        return (await response.Content.ReadFromJsonAsync<List<JobView>>(RunningServer.Json))!.Select(j => j.Id).ToList();
    }

    private static async Task ExpectError(RunningServer server, IReadOnlyDictionary<string, string> fields, HttpStatusCode expected, string message,
        params (string, string, byte[])[] files)
    {
        var (status, error) = await Error(await server.PostJobAsync(fields, files));
        Assert.True(status == expected, $"{(int)status} {error} (expected {(int)expected} '{message}')");
        Assert.Contains(message, error);
        Assert.DoesNotContain("\n", error); // one line for a person, no stack trace
    }

    private static async Task<(HttpStatusCode, string)> Error(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            var error = JsonSerializer.Deserialize<ApiError>(body, RunningServer.Json)?.Error ?? body;
            return (response.StatusCode, error);
        }
    }
}
