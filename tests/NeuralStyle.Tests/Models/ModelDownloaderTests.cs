using NeuralStyle.Tests.Support;
using System.Net.Sockets;
using NeuralStyle.Models;

namespace NeuralStyle.Tests.Models;

public sealed class ModelDownloaderTests : IAsyncLifetime
{
    private readonly LocalFileServer _server = new();
    private readonly TempFolder _temp = new();
    private readonly Payload _payload = new();
    // No proxy: these requests must go straight to 127.0.0.1.
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });

    public Task InitializeAsync()
    {
        _server.Serve(_payload.FileName, _payload.Bytes);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private string Destination => _temp.Combine("models", _payload.FileName);
    private string Part => Destination + ".part";
    private Uri Source => new(_server.BaseUrl, _payload.FileName);
    private ModelDownloader Downloader => new(_http) { ProgressInterval = TimeSpan.Zero };

    private Task DownloadAsync(IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Downloader.DownloadAsync(Source, Destination, _payload.HashPrefix, progress, cancellationToken);

    [Fact]
    public async Task FullDownloadInstallsExactBytesAndLeavesNoPart()
    {
        await DownloadAsync();

        Assert.Equal(_payload.Bytes, await File.ReadAllBytesAsync(Destination));
        Assert.False(File.Exists(Part));
        Assert.Equal([new RecordedRequest("/models/" + _payload.FileName, null)], _server.Requests);
    }

    [Fact]
    public async Task InterruptedDownloadKeepsPartAndResumesWithRange()
    {
        const int firstChunk = 1_000_000;
        _server.CutNextResponseAfter(firstChunk);

        var error = await Assert.ThrowsAsync<NeuralStyleException>(() => DownloadAsync());
        Assert.Contains("resume", error.Message);
        Assert.False(File.Exists(Destination));
        Assert.Equal(firstChunk, new FileInfo(Part).Length);

        await DownloadAsync();

        Assert.Equal($"bytes={firstChunk}-", _server.Requests.Last().Range);
        Assert.Equal(_payload.Bytes, await File.ReadAllBytesAsync(Destination));
        Assert.False(File.Exists(Part));
    }

    [Fact]
    public async Task ServerIgnoringRangeRestartsFromZeroAndStillInstallsExactBytes()
    {
        _server.CutNextResponseAfter(700_000);
        await Assert.ThrowsAsync<NeuralStyleException>(() => DownloadAsync());
        Assert.True(File.Exists(Part));

        _server.IgnoreRange = true;
        await DownloadAsync();

        Assert.Equal("bytes=700000-", _server.Requests.Last().Range); // asked to resume, got 200 with everything
        Assert.Equal(_payload.Bytes, await File.ReadAllBytesAsync(Destination));
        Assert.False(File.Exists(Part));
    }

    [Fact]
    public async Task WrongBytesAreRejectedAndNothingIsLeftBehind()
    {
        _server.Serve(_payload.FileName, _payload.WrongBytes());

        var error = await Assert.ThrowsAsync<NeuralStyleException>(() => DownloadAsync());

        Assert.Contains("corrupt", error.Message);
        Assert.Contains(_payload.HashPrefix, error.Message);
        Assert.False(File.Exists(Destination));
        Assert.False(File.Exists(Part));
    }

    [Fact]
    public async Task HashCoversTheResumedPart()
    {
        // A .part whose kept bytes are wrong must fail verification even though the rest is right.
        Directory.CreateDirectory(Path.GetDirectoryName(Part)!);
        var badStart = _payload.WrongBytes()[..(_payload.Bytes.Length / 2 + 10)];
        await File.WriteAllBytesAsync(Part, badStart);

        await Assert.ThrowsAsync<NeuralStyleException>(() => DownloadAsync());

        Assert.Equal($"bytes={badStart.Length}-", _server.Requests.Single().Range);
        Assert.False(File.Exists(Destination));
        Assert.False(File.Exists(Part));
    }

    [Fact]
    public async Task CompletePartThatWasNeverRenamedIsInstalledAfter416()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Part)!);
        await File.WriteAllBytesAsync(Part, _payload.Bytes);

        await DownloadAsync();

        Assert.Equal($"bytes={_payload.Bytes.Length}-", _server.Requests.Single().Range);
        Assert.Equal(_payload.Bytes, await File.ReadAllBytesAsync(Destination));
        Assert.False(File.Exists(Part));
    }

    [Fact]
    public async Task OverlongJunkPartIsDiscardedAndTheFileFetchedAgain()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Part)!);
        await File.WriteAllBytesAsync(Part, new byte[_payload.Bytes.Length + 100]);

        await DownloadAsync();

        Assert.Equal([$"bytes={_payload.Bytes.Length + 100}-", null], _server.Requests.Select(r => r.Range));
        Assert.Equal(_payload.Bytes, await File.ReadAllBytesAsync(Destination));
    }

    [Fact]
    public async Task NotFoundIsAUserErrorNamingTheStatus()
    {
        var error = await Assert.ThrowsAsync<NeuralStyleException>(() =>
            Downloader.DownloadAsync(new Uri(_server.BaseUrl, "vgg19-dcbb9e9d.pth"), _temp.Combine("models", "vgg19-dcbb9e9d.pth"), "dcbb9e9d"));

        Assert.Contains("HTTP 404", error.Message);
        Assert.Contains("--weights", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(Directory.GetFiles(_temp.Combine("models")));
    }

    [Fact]
    public async Task UnreachableServerIsAUserError()
    {
        var closed = new TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var error = await Assert.ThrowsAsync<NeuralStyleException>(() =>
            Downloader.DownloadAsync(new Uri($"http://127.0.0.1:{port}/models/{_payload.FileName}"), Destination, _payload.HashPrefix));

        Assert.StartsWith("cannot reach 127.0.0.1", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task UnwritableCacheFolderIsAUserError()
    {
        var notAFolder = _temp.Combine("file");
        await File.WriteAllTextAsync(notAFolder, "x");

        var error = await Assert.ThrowsAsync<NeuralStyleException>(() =>
            Downloader.DownloadAsync(Source, Path.Combine(notAFolder, "models", _payload.FileName), _payload.HashPrefix));

        Assert.StartsWith("cannot create cache folder", error.Message);
        Assert.Empty(_server.Requests); // checked before any traffic
    }

    [Fact]
    public async Task CancellationKeepsThePartForResuming()
    {
        const int sentBeforeStall = 500_000;
        _server.StallNextResponseAfter(sentBeforeStall);
        using var cts = new CancellationTokenSource();
        var progress = new InlineProgress(p =>
        {
            if (p.BytesDone >= sentBeforeStall)
                cts.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DownloadAsync(progress, cts.Token));
        _server.ReleaseStall();

        Assert.Equal(sentBeforeStall, new FileInfo(Part).Length);
        Assert.False(File.Exists(Destination));

        await DownloadAsync();
        Assert.Equal($"bytes={sentBeforeStall}-", _server.Requests.Last().Range);
        Assert.Equal(_payload.Bytes, await File.ReadAllBytesAsync(Destination));
    }

    [Fact]
    public async Task ProgressCountsKeptBytesAndEndsAtTheTotal()
    {
        _server.CutNextResponseAfter(400_000);
        await Assert.ThrowsAsync<NeuralStyleException>(() => DownloadAsync());

        var reports = new List<DownloadProgress>();
        await DownloadAsync(new InlineProgress(reports.Add));

        long total = _payload.Bytes.Length;
        Assert.Equal(new DownloadProgress(400_000, total), reports[0]);
        Assert.Equal(new DownloadProgress(total, total), reports[^1]);
        Assert.True(reports.Zip(reports.Skip(1)).All(pair => pair.First.BytesDone <= pair.Second.BytesDone));
    }

    [Fact]
    public async Task KnownModelGoesToItsCachePathUnderTheMirror()
    {
        var model = new KnownModel("payload", new Uri("https://download.pytorch.org/models/" + _payload.FileName), 3);
        var cache = new ModelCache(_temp.Path);

        var path = await Downloader.DownloadAsync(model, cache, _server.BaseUrl);

        Assert.Equal(cache.PathFor(model), path);
        Assert.Equal(path, cache.TryGetCachedPath(model));
        Assert.Equal(_payload.Bytes, await File.ReadAllBytesAsync(path));
    }

    /// <summary>Reports synchronously, so assertions see every report in order.</summary>
    private sealed class InlineProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
