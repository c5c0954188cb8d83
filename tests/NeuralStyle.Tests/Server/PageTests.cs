using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using NeuralStyle.Server.Web;
using NeuralStyle.Tests.Cli;
using NeuralStyle.Tests.Support;
using Xunit.Abstractions;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// The page of <c>neural-style serve</c> end to end: Debian's chromium (headless, through Playwright) on the real
/// server with real jobs (the bundled ResNet18 at 128 px, about 0.1 s a step on two cores). Each test has its own
/// server, data folder and browser; every wait has a timeout.
/// </summary>
public sealed class PageTests(ITestOutputHelper output)
{
    /// <summary>Names a folder to write the README's screenshots to (web_*.jpg); unset = no screenshots.</summary>
    public const string ScreenshotsVariable = "NEURAL_STYLE_SCREENSHOTS";

    private static readonly string Examples = Path.Combine(SharedFiles.RepoRoot, "examples");
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public async Task UploadedImagesRunWithALivePreviewAndTheResultDownloadsAsAPng()
    {
        SkipWithoutChromium();
        var clock = Stopwatch.StartNew();
        // Reports every 0.7 s and the page polls every second: a 120-step run of ~12 s shows many previews.
        await using var server = await RunningServer.StartAsync(o => o with { Worker = o.Worker with { ProgressInterval = TimeSpan.FromMilliseconds(700) } });
        await using var browser = await PageBrowser.OpenAsync(server.Url);
        var page = browser.Page;

        await page.SetInputFilesAsync("#photo", Path.Combine(Examples, "chelsea.png"));
        await page.SetInputFilesAsync("#paintings", Path.Combine(Examples, "starry_night.jpg"));
        await page.SelectOptionAsync("#model", "resnet18");
        await page.FillAsync("#size", "128");
        await page.FillAsync("#iterations", "120");
        await page.ClickAsync("#start");
        var id = await FollowedJobAsync(browser, null);

        // Watch the page as a person would: what the preview shows (its pixels), its version and the step count.
        var samples = new List<Sample>();
        var deadline = DateTime.UtcNow + JobTimeout;
        Sample last;
        do
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} did not finish; last seen {samples.LastOrDefault()}");
            samples.Add(last = await SampleAsync(page));
            await Task.Delay(150);
        }
        while (last.State is not ("done" or "failed" or "cancelled"));
        Assert.True(last.State == "done", $"the job ended {last.State}: {await page.TextContentAsync("#job-error")}");

        var running = samples.Where(s => s.State != "done" && s.Hash is not null).ToList();
        var shown = Changes(running, s => s.Hash);
        var sources = Changes(running, s => s.Src);
        var versions = running.Select(s => int.Parse(s.Version)).ToList();
        var steps = samples.Select(s => s.Step).ToList();
        output.WriteLine($"{samples.Count} samples; the preview's pixels changed {shown} times, its src {sources} times, " +
                         $"versions {string.Join(",", versions.Distinct())}; steps {string.Join(",", steps.Distinct())}");
        Assert.True(shown >= 2, $"the preview image changed only {shown} times while the job ran");
        Assert.True(sources >= 2, $"the preview's src changed only {sources} times while the job ran");
        Assert.True(versions.Distinct().Count() >= 3, "data-version took fewer than 3 values");
        Assert.Equal(versions.Order(), versions); // never back to an older preview
        Assert.Equal(steps.Order(), steps);
        Assert.True(steps.Distinct().Count(s => s > 0) >= 3, $"the step count rose only through {string.Join(",", steps.Distinct())}");
        Assert.Equal(120, last.Step);

        // Done: the preview is the finished PNG at the asked size.
        await browser.WaitForAsync("(() => { const i = document.getElementById('preview'); return i.complete && i.naturalWidth > 0 && i.getAttribute('src').includes('/result'); })()");
        var shownSize = await page.EvaluateAsync<int[]>("[document.getElementById('preview').naturalWidth, document.getElementById('preview').naturalHeight]");
        Assert.Equal(new[] { 128, 85 }, shownSize);

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"), new PageRunAndWaitForDownloadOptions { Timeout = 20_000 });
        using var folder = new TempFolder();
        var file = folder.File("downloaded.png");
        await download.SaveAsAsync(file);
        Assert.EndsWith(".png", download.SuggestedFilename);
        Assert.Equal((128, 85), StylizeRun.PngSize(file));

        await page.WaitForSelectorAsync($"#gallery .card[data-job='{id}'][data-state='done'] img");

        // The followed job is in the address: a reload shows it again.
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("body[data-ready='true']");
        await browser.WaitForAsync($"document.getElementById('live').dataset.job === '{id}' && document.getElementById('state').dataset.state === 'done'");
        browser.AssertNoErrors();
        output.WriteLine($"took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [SkippableFact]
    public async Task CancelStopsARunningJob()
    {
        SkipWithoutChromium();
        var clock = Stopwatch.StartNew();
        await using var server = await RunningServer.StartAsync();
        await using var browser = await PageBrowser.OpenAsync(server.Url);
        var page = browser.Page;

        await browser.PickExamplesAsync("chelsea", "scream");
        await page.FillAsync("#size", "128");
        await page.FillAsync("#iterations", "2000"); // minutes: it can only end by the cancel
        await page.ClickAsync("#start");
        var id = await FollowedJobAsync(browser, null);
        await browser.WaitForAsync("document.getElementById('state').dataset.state === 'running' && Number(document.getElementById('step').dataset.step) >= 3",
            TimeSpan.FromSeconds(90));

        await page.ClickAsync("#cancel");
        await browser.WaitForAsync("document.getElementById('state').dataset.state === 'cancelled'", TimeSpan.FromSeconds(15));
        using var owner = await OwnerOfThePageAsync(server, page);
        var stopped = await JobAsync(owner, id);
        var pageStep = int.Parse((await page.GetAttributeAsync("#step", "data-step"))!);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var later = await JobAsync(owner, id);
        output.WriteLine($"cancelled at step {stopped.Progress.Step} (page {pageStep}), {later.Progress.Step} 2.5 s later; took {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal("cancelled", stopped.State);
        Assert.Equal("cancelled", later.State);
        Assert.Equal(stopped.Progress.Step, later.Progress.Step);
        Assert.InRange(pageStep, 3, stopped.Progress.Step);
        Assert.Equal(pageStep, int.Parse((await page.GetAttributeAsync("#step", "data-step"))!));
        Assert.True(await page.IsDisabledAsync("#cancel"));
        // What it got to can be downloaded (issue 21): the image so far, offered as such.
        Assert.True(await page.IsVisibleAsync("#download"));
        Assert.Equal("Download the image so far", await page.TextContentAsync("#download"));
        Assert.EndsWith($"/api/jobs/{id}/partial", await page.GetAttributeAsync("#download", "href"));
        await page.WaitForSelectorAsync($"#gallery .card[data-job='{id}'][data-state='cancelled']");
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task ATextFileAsThePhotoShowsTheServersMessageAndMakesNoJob()
    {
        SkipWithoutChromium();
        await using var server = await RunningServer.StartAsync();
        await using var browser = await PageBrowser.OpenAsync(server.Url);
        var page = browser.Page;
        using var folder = new TempFolder();
        var notes = folder.File("notes.txt");
        await File.WriteAllTextAsync(notes, "This is a shopping list, not a picture.\n");

        // Nothing chosen: the page says so without asking the server.
        await page.ClickAsync("#start");
        await browser.WaitForAsync("document.getElementById('form-error').textContent.includes('choose a photo')");

        await page.SetInputFilesAsync("#photo", notes);
        await page.SetInputFilesAsync("#paintings", Path.Combine(Examples, "starry_night.jpg"));
        await page.SelectOptionAsync("#model", "resnet18");
        await page.FillAsync("#size", "128");
        await page.ClickAsync("#start");

        await browser.WaitForAsync("document.getElementById('form-error').textContent.includes('is not an image')");
        Assert.True(await page.IsVisibleAsync("#form-error"));
        var message = await page.TextContentAsync("#form-error");
        output.WriteLine($"#form-error: {message}");
        Assert.Contains("notes.txt is not an image", message);
        Assert.True(await page.IsHiddenAsync("#live"));
        Assert.True(await page.IsEnabledAsync("#start"));
        Assert.Equal(0, await page.Locator("#gallery .card").CountAsync());
        Assert.Empty(await JobsOfThePageAsync(server, page));
    }

    [SkippableFact]
    public async Task AgainWithChangesFillsTheFormFromAGalleryJobAndReusesItsImages()
    {
        SkipWithoutChromium();
        var clock = Stopwatch.StartNew();
        await using var server = await RunningServer.StartAsync();
        await using var browser = await PageBrowser.OpenAsync(server.Url);
        var page = browser.Page;

        await browser.PickExamplesAsync("coffee", "scream");
        await page.FillAsync("#size", "128");
        await page.FillAsync("#iterations", "8");
        await page.SelectOptionAsync("#preserveColor", "luminance");
        await page.FillAsync("#seed", "7");
        await page.ClickAsync("#start");
        var first = await FollowedJobAsync(browser, null);
        await browser.WaitForAsync("document.getElementById('state').dataset.state === 'done'", JobTimeout);
        await page.WaitForSelectorAsync($"#gallery .card[data-job='{first}'][data-state='done']");

        // Other settings in the form, then "Again with changes" on the gallery's card brings the job's back.
        await page.SelectOptionAsync("#model", "auto");
        await page.FillAsync("#size", "512");
        await page.FillAsync("#iterations", "");
        await page.SelectOptionAsync("#preserveColor", "none");
        await page.FillAsync("#seed", "0");
        await page.Locator($"#gallery .card[data-job='{first}'] button", new PageLocatorOptions { HasText = "Again with changes" }).ClickAsync();
        Assert.Equal("resnet18", await page.InputValueAsync("#model"));
        Assert.Equal("128", await page.InputValueAsync("#size"));
        Assert.Equal("8", await page.InputValueAsync("#iterations"));
        Assert.Equal("luminance", await page.InputValueAsync("#preserveColor"));
        Assert.Equal("7", await page.InputValueAsync("#seed"));
        Assert.True(await page.IsVisibleAsync("#reuse-note"));

        await page.FillAsync("#size", "96");
        await page.ClickAsync("#start");
        var second = await FollowedJobAsync(browser, first);
        using var owner = await OwnerOfThePageAsync(server, page);
        var job = await JobAsync(owner, second);
        var original = await JobAsync(owner, first);
        Assert.Equal(original.Request with { Size = 96 }, job.Request); // the same look (StyleBlend is null in both)
        Assert.Equal(original.Inputs, job.Inputs);
        Assert.Equal(["coffee.png", "scream.jpg"], job.Inputs);
        Assert.Equal(await owner.GetByteArrayAsync(original.Links.Inputs[0]), await owner.GetByteArrayAsync(job.Links.Inputs[0]));
        Assert.Equal(await owner.GetByteArrayAsync(original.Links.Inputs[1]), await owner.GetByteArrayAsync(job.Links.Inputs[1]));

        await browser.WaitForAsync("document.getElementById('state').dataset.state === 'done'", JobTimeout);
        await browser.WaitForAsync("(() => { const i = document.getElementById('preview'); return i.complete && i.getAttribute('src').includes('/result') && i.naturalWidth === 96; })()");
        await page.WaitForSelectorAsync($"#gallery .card[data-job='{second}'][data-state='done']");
        Assert.Equal(2, await page.Locator("#gallery .card").CountAsync());
        browser.AssertNoErrors();
        output.WriteLine($"took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// The README's screenshots: the form with examples chosen, a job running (preview and loss curve), and the
    /// gallery. Written only when <see cref="ScreenshotsVariable"/> names a folder (absolute, or relative to the repository's root;
    /// never into the repository by default):
    /// <c>NEURAL_STYLE_SCREENSHOTS=examples/results dotnet test … --filter "FullyQualifiedName~PageTests.Screenshots"</c>.
    /// </summary>
    [SkippableFact]
    public async Task ScreenshotsForTheReadme()
    {
        var folder = Environment.GetEnvironmentVariable(ScreenshotsVariable);
        Skip.If(string.IsNullOrWhiteSpace(folder), $"set {ScreenshotsVariable} to a folder to write the README's screenshots");
        SkipWithoutChromium();
        folder = Path.GetFullPath(folder!, SharedFiles.RepoRoot); // a relative path is the repository's (the tests run in bin/)
        Directory.CreateDirectory(folder);
        await using var server = await RunningServer.StartAsync(o => o with { Worker = o.Worker with { ProgressInterval = TimeSpan.FromSeconds(1) } });
        await using var browser = await PageBrowser.OpenAsync(server.Url, 1100, 860);
        var page = browser.Page;

        // Two finished jobs first, so that the gallery is not empty in the later pictures.
        string? previous = null;
        foreach (var (photo, painting, size, steps) in new[] { ("astronaut", "scream", "192", "120"), ("coffee", "starry_night", "160", "80") })
        {
            await browser.PickExamplesAsync(photo, painting);
            await page.FillAsync("#size", size);
            await page.FillAsync("#iterations", steps);
            await page.ClickAsync("#start");
            previous = await FollowedJobAsync(browser, previous);
            await browser.WaitForAsync("document.getElementById('state').dataset.state === 'done'", TimeSpan.FromMinutes(5));
            await page.WaitForSelectorAsync($"#gallery .card[data-job='{previous}'][data-state='done']");
            await page.ClickAsync($"#painting-examples button[data-example='{painting}']"); // unpicked again
        }

        await browser.PickExamplesAsync("chelsea", "starry_night", model: null);
        await page.FillAsync("#size", "320");
        await page.FillAsync("#iterations", "160");
        await Shoot(page, Path.Combine(folder, "web_form.jpg"), "header", "#compose");

        await page.ClickAsync("#start");
        await FollowedJobAsync(browser, previous);
        await browser.WaitForAsync("Number(document.getElementById('step').dataset.step) >= 70", TimeSpan.FromMinutes(5));
        await browser.WaitForAsync("(() => { const i = document.getElementById('preview'); return i.complete && i.naturalWidth > 0; })()");
        await Shoot(page, Path.Combine(folder, "web_running.jpg"), "#live", "#live");

        await browser.WaitForAsync("document.getElementById('state').dataset.state === 'done'", TimeSpan.FromMinutes(5));
        await browser.WaitForAsync("[...document.querySelectorAll('#gallery .card')].every(c => c.dataset.state === 'done')");
        await browser.WaitForAsync("[...document.querySelectorAll('#gallery .card img')].every(i => i.complete && i.naturalWidth > 0)");
        await Shoot(page, Path.Combine(folder, "web_gallery.jpg"), "#gallery-section", "#gallery-section");
        browser.AssertNoErrors();
    }

    /// <summary>A JPEG of the page's full width from the top of <paramref name="from"/> to the bottom of <paramref name="to"/>.</summary>
    private static async Task Shoot(IPage page, string path, string from, string to)
    {
        await page.EvaluateAsync("document.activeElement && document.activeElement.blur()");
        var box = await page.EvaluateAsync<double[]>($$"""
            (() => {
              const top = document.querySelector("{{from}}").getBoundingClientRect().top + window.scrollY;
              const bottom = document.querySelector("{{to}}").getBoundingClientRect().bottom + window.scrollY;
              return [Math.max(0, top - 8), bottom - top + 16, document.documentElement.clientWidth];
            })()
            """);
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = path, Type = ScreenshotType.Jpeg, Quality = 85, FullPage = true,
            Clip = new Clip { X = 0, Y = (float)box[0], Width = (float)box[2], Height = (float)box[1] },
        });
    }

    private static void SkipWithoutChromium()
    {
        var reason = PageBrowser.Unavailable();
        Skip.If(reason is not null, reason);
    }

    /// <summary>The id of the job the page follows once it is not <paramref name="previous"/> (after Start).</summary>
    private static async Task<string> FollowedJobAsync(PageBrowser browser, string? previous)
    {
        await browser.WaitForAsync($"(document.getElementById('live').dataset.job || '') !== '' && document.getElementById('live').dataset.job !== '{previous}'");
        return (await browser.Page.GetAttributeAsync("#live", "data-job"))!;
    }

    /// <summary>An API client with the page's client key: a job is its owner's only.</summary>
    private static async Task<HttpClient> OwnerOfThePageAsync(RunningServer server, IPage page)
    {
        var client = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add(ClientIdentity.Header, await page.EvaluateAsync<string>("localStorage.getItem('neural-style-client')"));
        return client;
    }

    private static async Task<JobView> JobAsync(HttpClient owner, string id) => (await owner.GetFromJsonAsync<JobView>($"/api/jobs/{id}", RunningServer.Json))!;

    /// <summary>The jobs the API lists for the page's client key (its gallery).</summary>
    private static async Task<List<JobView>> JobsOfThePageAsync(RunningServer server, IPage page)
    {
        var key = await page.EvaluateAsync<string>("localStorage.getItem('neural-style-client')");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/jobs");
        request.Headers.Add(ClientIdentity.Header, key);
        using var response = await server.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<JobView>>(RunningServer.Json))!;
    }

    /// <summary>What the live view shows at one moment; <see cref="Hash"/> is of the preview's decoded pixels (null while loading).</summary>
    private sealed record Sample(string Version, string Src, string? Hash, int Width, int Height, int Step, string State);

    private static async Task<Sample> SampleAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("""
            () => {
              const img = document.getElementById("preview");
              let hash = null;
              if (img.getAttribute("src") && img.complete && img.naturalWidth > 0) {
                const canvas = document.createElement("canvas");
                canvas.width = img.naturalWidth;
                canvas.height = img.naturalHeight;
                const g = canvas.getContext("2d");
                g.drawImage(img, 0, 0);
                const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
                let h = 2166136261;
                for (let i = 0; i < data.length; i++) { h ^= data[i]; h = Math.imul(h, 16777619); }
                hash = (h >>> 0).toString(16);
              }
              return JSON.stringify({
                version: img.dataset.version || "0", src: img.getAttribute("src") || "", hash,
                width: img.naturalWidth, height: img.naturalHeight,
                step: Number(document.getElementById("step").dataset.step || "0"),
                state: document.getElementById("state").dataset.state || "",
              });
            }
            """);
        return JsonSerializer.Deserialize<Sample>(json, RunningServer.Json)!;
    }

    /// <summary>How often <paramref name="key"/> changes from one sample to the next.</summary>
    private static int Changes(IReadOnlyList<Sample> samples, Func<Sample, string?> key) =>
        samples.Zip(samples.Skip(1)).Count(p => key(p.First) != key(p.Second));
}
