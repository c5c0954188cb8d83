using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using NeuralStyle.Server.Hosting;
using NeuralStyle.Server.Storage;
using NeuralStyle.Server.Web;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// Other web sites against a <c>serve</c> on the user's machine, in Debian's chromium (Playwright): a page of another
/// origin (another loopback port, so the same site but not the same origin) posts a form and a no-cors fetch; a rebound
/// DNS name sends a foreign Host header. And the page itself on a phone-sized screen, and with the server gone.
/// </summary>
public sealed class BrowserSafetyTests
{
    [SkippableFact]
    public async Task AnotherOriginsFormPostAndNoCorsFetchCreateNoJob()
    {
        SkipWithoutChromium();
        await using var server = await RunningServer.StartAsync(runJobs: false);
        await using var attacker = await ServePageAsync(AttackerPage(server.Url));
        await using var browser = await PageBrowser.OpenAsync(server.Url); // the victim has the real page open (its cookie set)
        var page = browser.Page;

        var evil = await page.Context.NewPageAsync();
        await evil.GotoAsync(attacker.Url);
        for (var tries = 0; await evil.TitleAsync() is not ("fetched" or "fetch failed"); tries++)
        {
            Assert.True(tries < 200, "the attacker's fetch did not settle");
            await Task.Delay(100);
        }
        var posted = evil.WaitForResponseAsync(r => r.Url.Contains("/api/jobs"));
        await evil.EvaluateAsync("document.getElementById('f').submit()");
        var response = await posted;
        Assert.Equal(403, response.Status);
        Assert.Contains("other web sites", await response.TextAsync());
        Assert.Equal(0, server.Service<IJobStore>().CountActive("127.0.0.1"));

        // The page's own origin still may (the same request from the same browser).
        var status = await page.EvaluateAsync<int>("""
            async () => {
              const form = new FormData();
              for (const [k, v] of Object.entries({ photoExample: "chelsea", paintingExamples: "scream", model: "resnet18", size: "64" })) form.append(k, v);
              return (await fetch("/api/jobs", { method: "POST", body: form })).status;
            }
            """);
        Assert.Equal(201, status);
        Assert.Equal(1, server.Service<IJobStore>().CountActive("127.0.0.1"));
    }

    [Fact]
    public async Task AForeignHostHeaderIsRefusedAndEveryResponseCarriesTheSecurityHeaders()
    {
        await using var server = await RunningServer.StartAsync(runJobs: false);
        var port = new Uri(server.Url).Port;
        foreach (var (host, allowed) in new[] { ("evil.example", false), ($"evil.example:{port}", false), ($"localhost:{port}", true), ($"127.0.0.1:{port}", true) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/options");
            request.Headers.Host = host;
            using var response = await server.Client.SendAsync(request);
            Assert.True(allowed == (response.StatusCode == HttpStatusCode.OK), $"Host {host}: {(int)response.StatusCode}");
            if (!allowed) Assert.Contains("does not answer to the host name", JsonSerializer.Deserialize<ApiError>(await response.Content.ReadAsStringAsync(), RunningServer.Json)!.Error);
        }
        await using var open = await RunningServer.StartAsync(o => o with { AllowedHosts = ["styles.example"] }, runJobs: false);
        using (var named = new HttpRequestMessage(HttpMethod.Get, "/api/options"))
        {
            named.Headers.Host = "styles.example";
            using var response = await open.Client.SendAsync(named);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var path in new[] { "/", "/app.js", "/api/options", "/api/nothing" })
        {
            using var response = await server.Client.GetAsync(path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
    }

    [SkippableFact]
    public async Task OnAPhoneThePageNeedsNoSidewaysScrolling()
    {
        SkipWithoutChromium();
        await using var server = await RunningServer.StartAsync(runJobs: false);
        await using var browser = await PageBrowser.OpenAsync(server.Url, width: 390, height: 844);
        var page = browser.Page;
        async Task AssertFits(string when)
        {
            var widths = await page.EvaluateAsync<int[]>("""
                [document.documentElement.scrollWidth, document.body.scrollWidth,
                 ...[...document.querySelectorAll("fieldset, section, .card")].map(f => Math.ceil(f.getBoundingClientRect().right))]
                """);
            Assert.All(widths, w => Assert.True(w <= 390, $"{when}: widths {string.Join(", ", widths)} for a 390 px screen"));
        }
        await AssertFits("the form");
        // With a job followed (the live view) and in the gallery.
        await browser.PickExamplesAsync("chelsea", "scream");
        await page.ClickAsync("#start");
        await browser.WaitForAsync("(document.getElementById('live').dataset.job || '') !== '' && document.querySelector('#gallery .card') !== null");
        await AssertFits("a job followed");
        browser.AssertNoErrors(); // also: nothing the Content-Security-Policy refused
    }

    [SkippableFact]
    public async Task AServerThatCannotBeReachedIsSaidInWordsNotAsFailedToFetch()
    {
        SkipWithoutChromium();
        var server = await RunningServer.StartAsync(runJobs: false);
        await using var browser = await PageBrowser.OpenAsync(server.Url);
        var page = browser.Page;
        await browser.PickExamplesAsync("chelsea", "scream");
        await page.FillAsync("#size", "64");
        await page.ClickAsync("#start");
        await browser.WaitForAsync("(document.getElementById('live').dataset.job || '') !== ''");
        await server.DisposeAsync(); // the server goes away while the page follows its job
        await browser.WaitForAsync("document.getElementById('job-error').textContent.includes('cannot reach the server')", TimeSpan.FromSeconds(30));
        var shown = await page.TextContentAsync("#job-error");
        Assert.DoesNotContain("Failed to fetch", shown);
    }

    private static string AttackerPage(string target) => $$"""
        <!doctype html><title>attacker</title>
        <form id="f" method="post" enctype="multipart/form-data" action="{{target}}/api/jobs">
          <input name="photoExample" value="chelsea"><input name="paintingExamples" value="scream">
          <input name="model" value="resnet18"><input name="size" value="64">
        </form>
        <script>
          const form = new FormData(document.getElementById("f"));
          fetch("{{target}}/api/jobs", { method: "POST", mode: "no-cors", credentials: "include", body: form })
            .then(() => { document.title = "fetched"; }, () => { document.title = "fetch failed"; });
        </script>
        """;

    /// <summary>A second origin: a bare Kestrel on another loopback port serving one page.</summary>
    private static async Task<OtherOrigin> ServePageAsync(string html)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8"));
        await app.StartAsync();
        return new OtherOrigin(app, ServiceHosts.ListeningUrl(app));
    }

    private sealed record OtherOrigin(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    private static void SkipWithoutChromium()
    {
        var reason = PageBrowser.Unavailable();
        Skip.If(reason is not null, reason);
    }
}
