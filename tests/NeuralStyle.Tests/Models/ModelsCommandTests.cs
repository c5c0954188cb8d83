using System.CommandLine;
using System.Diagnostics;
using NeuralStyle.Cli.Commands;
using NeuralStyle.Models;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Models;

/// <summary>
/// The real <c>models</c> command against a local server. Error paths run the built
/// <c>neural-style.dll</c> as a child process, because what matters there is what a user sees:
/// stderr, exit code, no stack trace. The successful download runs in-process with a test model,
/// since no locally generated file can hash to vgg19's real prefix.
/// </summary>
public sealed class ModelsCommandTests : IAsyncLifetime
{
    private readonly LocalFileServer _server = new();
    private readonly TempFolder _cache = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _cache.Dispose();
    }

    [Fact]
    public async Task UnknownModelNameIsOneLineOnStderrAndExitCodeOne()
    {
        var run = await RunCliAsync("models", "download", "vgg42");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["neural-style: error: unknown model 'vgg42'; known models: vgg19, vgg16"], run.StderrLines);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task DownloadUsesTheMirrorAndCacheFromTheEnvironmentAndRejectsWrongBytes()
    {
        // Whatever we serve cannot hash to dcbb9e9d…, so this run must end in the corrupt-file error.
        _server.Serve("vgg19-dcbb9e9d.pth", new Payload(200_000).Bytes);

        var run = await RunCliAsync("models", "download", "vgg19");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("neural-style: error: downloaded vgg19-dcbb9e9d.pth is corrupt", line);
        Assert.Equal("/models/vgg19-dcbb9e9d.pth", Assert.Single(_server.Requests).Target);
        Assert.Empty(Directory.GetFiles(_cache.Combine("models")));
    }

    [Fact]
    public async Task HttpErrorIsOneLineAndExitCodeOne()
    {
        var run = await RunCliAsync("models", "download", "vgg16");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("HTTP 404", line);
    }

    [Fact]
    public async Task ListShowsCachedFilesOrAHint()
    {
        var empty = await RunCliAsync("models", "list");
        Assert.Equal(0, empty.ExitCode);
        Assert.Contains("neural-style models download vgg19", empty.Stdout);

        var vgg19 = _cache.Combine("models", "vgg19-dcbb9e9d.pth");
        Directory.CreateDirectory(Path.GetDirectoryName(vgg19)!);
        await File.WriteAllBytesAsync(vgg19, new byte[3 << 20]);

        var listed = await RunCliAsync("models", "list");
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains(listed.Stdout.Split('\n'), l => l.StartsWith("vgg19") && l.Contains("3.0 MB") && l.TrimEnd().EndsWith(vgg19));
    }

    [Fact]
    public async Task DownloadInProcessInstallsTheFileAndPrintsItsPath()
    {
        var payload = new Payload();
        _server.Serve(payload.FileName, payload.Bytes);
        var model = new KnownModel("tiny", new Uri("https://download.pytorch.org/models/" + payload.FileName), 3);
        var env = new Dictionary<string, string>
        {
            ["NEURAL_STYLE_CACHE"] = _cache.Path,
            ["NEURAL_STYLE_MODEL_BASE_URL"] = _server.BaseUrl.ToString(),
        };
        var root = new RootCommand { ModelsCommand.Create([model], env.GetValueOrDefault) };

        var (exit, stdout, stderr) = await InvokeAsync(root, "models", "download", "tiny");

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        var expectedPath = _cache.Combine("models", payload.FileName);
        Assert.Equal(expectedPath, stdout.TrimEnd().Split('\n')[^1]);
        Assert.Contains("(100%)", stdout); // the plain progress line, as output is not a terminal
        Assert.Equal(payload.Bytes, await File.ReadAllBytesAsync(expectedPath));
        Assert.False(File.Exists(expectedPath + ".part"));

        var again = await InvokeAsync(root, "models", "download", "tiny");
        Assert.Equal(0, again.Exit);
        Assert.Contains("already downloaded", again.Stdout);
        Assert.Single(_server.Requests); // no second fetch

        var list = await InvokeAsync(root, "models", "list");
        Assert.Contains(list.Stdout.Split('\n'), l => l.StartsWith("tiny") && l.TrimEnd().EndsWith(expectedPath));
    }

    [SkippableFact]
    public async Task TerminationSignalStopsTheDownloadCleanlyAndKeepsThePart()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "needs POSIX signals");
        const int sentBeforeStall = 300_000;
        var served = new Payload(2_000_000).Bytes;
        _server.Serve("vgg19-dcbb9e9d.pth", served);
        _server.StallNextResponseAfter(sentBeforeStall);
        var part = _cache.Combine("models", "vgg19-dcbb9e9d.pth.part");

        // SIGTERM rather than SIGINT: a shell that starts the test run in the background makes its
        // children ignore SIGINT, which would make this test hang instead of testing anything.
        var run = await RunCliAsync(["models", "download", "vgg19"], async process =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!(File.Exists(part) && new FileInfo(part).Length > 0) && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            CliProcess.Signal(process, CliProcess.Sigterm);
        });

        Assert.Equal(143, run.ExitCode); // 128 + SIGTERM
        Assert.Equal(["neural-style: download interrupted; run the same command again to resume"], run.StderrLines);
        // Some of the sent bytes may still have been in flight; what matters is that the .part is
        // an exact prefix of the file, i.e. a valid starting point for resuming.
        var kept = await File.ReadAllBytesAsync(part);
        Assert.InRange(kept.Length, 1, sentBeforeStall);
        Assert.Equal(served[..kept.Length], kept);
        Assert.False(File.Exists(_cache.Combine("models", "vgg19-dcbb9e9d.pth")));
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> InvokeAsync(RootCommand root, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr };
        var exit = await root.Parse(args).InvokeAsync(config);
        return (exit, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString());
    }

    private Task<CliRun> RunCliAsync(params string[] args) => RunCliAsync(args, null);

    private Task<CliRun> RunCliAsync(string[] args, Func<Process, Task>? whileRunning) =>
        CliProcess.RunAsync(args, new Dictionary<string, string>
        {
            ["NEURAL_STYLE_CACHE"] = _cache.Path,
            ["NEURAL_STYLE_MODEL_BASE_URL"] = _server.BaseUrl.ToString(),
            ["NO_PROXY"] = "127.0.0.1",
        }, whileRunning, TimeSpan.FromMinutes(2));
}
