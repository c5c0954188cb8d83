using Microsoft.Playwright;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// Debian's chromium, headless, driven by Playwright, with the server's page open. Playwright's own browser
/// download cannot work here, so the system browser is launched; the background-networking flags keep it from
/// dialling out of this closed network (its refused connections otherwise slow everything down).
/// Every wait has a timeout (the page's default <see cref="DefaultTimeout"/>), and disposing closes the browser.
/// </summary>
public sealed class PageBrowser : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private PageBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, message) => { if (message.Type == "error") lock (Errors) Errors.Add($"console: {message.Text}"); };
        page.PageError += (_, error) => { lock (Errors) Errors.Add($"script: {error}"); };
        page.Response += (_, response) => { if (response.Status >= 400) lock (Errors) Errors.Add($"HTTP {response.Status}: {response.Request.Method} {response.Url}"); };
    }

    public IPage Page { get; }

    /// <summary>Picks the form's example photo and painting by name and, unless null, the model: how every page test starts a job.</summary>
    public async Task PickExamplesAsync(string photo, string painting, string? model = "resnet18")
    {
        await Page.ClickAsync($"#photo-examples button[data-example='{photo}']");
        await Page.ClickAsync($"#painting-examples button[data-example='{painting}']");
        if (model is not null) await Page.SelectOptionAsync("#model", model);
    }

    /// <summary>Script errors and console errors the page produced (a test may assert there are none).</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Fails the test when the page had script errors, console errors or failed requests.</summary>
    public void AssertNoErrors()
    {
        lock (Errors) Assert.True(Errors.Count == 0, "the page reported:\n" + string.Join("\n", Errors));
    }

    /// <summary>Null when chromium is there (installed with apt if need be), else why the test must skip.</summary>
    public static string? Unavailable() => DebianPackages.Ensure("chromium", () => File.Exists(Executable));

    /// <summary>Opens <paramref name="url"/> and waits until the page has loaded its options and examples.</summary>
    public static async Task<PageBrowser> OpenAsync(string url, int width = 1100, int height = 900)
    {
        var playwright = await Playwright.CreateAsync();
        IBrowser? browser = null;
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Executable, Headless = true, Args = Args, Timeout = 60_000,
            });
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true,
            });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout((float)DefaultTimeout.TotalMilliseconds);
            page.SetDefaultNavigationTimeout(30_000);
            var opened = new PageBrowser(playwright, browser, page);
            await page.GotoAsync(url);
            await page.WaitForSelectorAsync("body[data-ready='true']");
            return opened;
        }
        catch
        {
            if (browser is not null) await CloseAsync(browser);
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>The value of a JavaScript expression, polled until it is truthy (or a <see cref="TimeoutException"/>).
    /// Polled from here rather than with Playwright's waitForFunction, which compiles the expression inside the page: the
    /// page's Content-Security-Policy (no eval) rightly refuses that.</summary>
    public async Task WaitForAsync(string expression, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await Page.EvaluateAsync<bool>($"!!({expression})"))
        {
            if (clock.Elapsed > limit) throw new TimeoutException($"waited {limit.TotalSeconds:0} s for: {expression}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(_browser);
        _playwright.Dispose(); // ends the driver, and with it a browser that did not close
    }

    private static async Task CloseAsync(IBrowser browser)
    {
        try
        {
            await browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            // Disposing Playwright kills what is left.
        }
    }
}
