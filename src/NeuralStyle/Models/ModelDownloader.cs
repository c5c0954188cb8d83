using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace NeuralStyle.Models;

/// <summary>
/// Fetches a weights file so that a half-finished or corrupt download can never be mistaken for a
/// good one: bytes go to <c>DEST.part</c>, an interrupted download resumes from the .part with an
/// HTTP Range request, and only a file whose SHA-256 matches the expected prefix is renamed to
/// <c>DEST</c> (rename is atomic on one file system). Every failure the user can do something about
/// becomes a one-line <see cref="NeuralStyleException"/>; cancellation keeps the .part for resuming.
/// </summary>
/// <remarks>
/// The <see cref="HttpClient"/> is a parameter, and the URL comes from the caller, so tests and
/// mirrors can point it at any server (tests use one on 127.0.0.1).
/// </remarks>
public sealed class ModelDownloader(HttpClient http)
{
    private enum Attempt { Installed, DiscardPartAndRetry }

    /// <summary>
    /// Give up when no byte arrives for this long. HttpClient.Timeout only covers the response
    /// headers when streaming, so without this a stalled connection would hang forever.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Minimum time between progress reports (the first and last are always sent).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Downloads <paramref name="model"/> into <paramref name="cache"/>, from <paramref name="baseUrl"/>
    /// when given (a mirror), and returns the installed file's path.
    /// </summary>
    public async Task<string> DownloadAsync(KnownModel model, ModelCache cache, Uri? baseUrl = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var destination = cache.PathFor(model);
        await DownloadAsync(model.UrlUnder(baseUrl), destination, model.Sha256Prefix, progress, cancellationToken)
            .ConfigureAwait(false);
        return destination;
    }

    /// <summary>
    /// Downloads <paramref name="source"/> to <paramref name="destination"/> and installs it only if
    /// its SHA-256 (hex) starts with <paramref name="sha256Prefix"/>.
    /// </summary>
    public async Task DownloadAsync(Uri source, string destination, string sha256Prefix,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        sha256Prefix = sha256Prefix.ToLowerInvariant();
        if (sha256Prefix.Length == 0 || !sha256Prefix.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"not a hex SHA-256 prefix: '{sha256Prefix}'", nameof(sha256Prefix));

        destination = Path.GetFullPath(destination);
        CreateFolder(Path.GetDirectoryName(destination)!);
        var part = destination + ModelCache.PartialSuffix;

        // A second attempt happens only after throwing away a .part the server cannot continue
        // (it is already complete-but-wrong, or the server answered a different range).
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await AttemptAsync(source, destination, part, sha256Prefix, progress, cancellationToken)
                .ConfigureAwait(false);
            if (outcome == Attempt.Installed)
                return;
            DeleteQuietly(part);
            if (attempt == 2)
                throw new NeuralStyleException($"{source.Host} refused to resume or restart the download of {source}; try again later");
        }
    }

    private async Task<Attempt> AttemptAsync(Uri source, string destination, string part, string sha256Prefix,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var kept = File.Exists(part) ? new FileInfo(part).Length : 0;

        using var request = new HttpRequestMessage(HttpMethod.Get, source);
        if (kept > 0)
            request.Headers.Range = new RangeHeaderValue(kept, null);

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);

        bool append;
        long? total;
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent:
                var range = response.Content.Headers.ContentRange;
                if (range?.From != kept)
                    return Attempt.DiscardPartAndRetry; // not the bytes we asked for: start over rather than splice
                append = true;
                total = range.Length;
                break;

            case HttpStatusCode.OK:
                // Either no Range was sent, or the server ignores Range: it is sending the whole file.
                append = false;
                total = response.Content.Headers.ContentLength;
                break;

            case HttpStatusCode.RequestedRangeNotSatisfiable when kept > 0:
                // The .part is already as long as the file: either a finished download that was not
                // renamed (stopped while hashing), or junk. Its hash decides.
                if (await HashOfFileAsync(part, cancellationToken).ConfigureAwait(false) is var hash
                    && hash.StartsWith(sha256Prefix, StringComparison.Ordinal))
                {
                    progress?.Report(new DownloadProgress(kept, kept));
                    Install(part, destination);
                    return Attempt.Installed;
                }
                return Attempt.DiscardPartAndRetry;

            default:
                throw new NeuralStyleException(
                    $"download of {source} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}; " +
                    "download the file elsewhere and pass it with --weights PATH");
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long done = 0;
        if (append)
        {
            // The checksum is over the whole file, so the bytes kept from last time go in first.
            await HashFileIntoAsync(part, sha, cancellationToken).ConfigureAwait(false);
            done = kept;
        }

        await using (var file = OpenPart(part, append))
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            done = await CopyAsync(body, file, sha, done, total, source, progress, cancellationToken).ConfigureAwait(false);
        }

        if (total is { } expected && done != expected)
            throw new NeuralStyleException(
                $"connection to {source.Host} closed after {done} of {expected} bytes; run the same command again to resume");

        var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
        if (!actual.StartsWith(sha256Prefix, StringComparison.Ordinal))
        {
            DeleteQuietly(part);
            throw new NeuralStyleException(
                $"downloaded {Path.GetFileName(destination)} is corrupt (SHA-256 {actual[..Math.Min(16, actual.Length)]}…, " +
                $"expected {sha256Prefix}…); deleted it, run the command again or fetch the file elsewhere and pass it with --weights PATH");
        }

        Install(part, destination);
        return Attempt.Installed;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var source = request.RequestUri!;
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NeuralStyleException(
                $"cannot reach {source.Host}: {UserMessage.Clause(e.Message)}; download {source} elsewhere and pass it with --weights PATH", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout surfaces as a cancellation nobody asked for.
            throw new NeuralStyleException(
                $"cannot reach {source.Host}: no answer within {http.Timeout.TotalSeconds:0} s; download {source} elsewhere and pass it with --weights PATH", e);
        }
    }

    private async Task<long> CopyAsync(Stream body, FileStream file, IncrementalHash sha, long done, long? total,
        Uri source, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        var sinceReport = Stopwatch.StartNew();
        progress?.Report(new DownloadProgress(done, total));

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            idle.CancelAfter(IdleTimeout);
            int read;
            try
            {
                read = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new NeuralStyleException(
                    $"download from {source.Host} stalled (nothing received for {IdleTimeout.TotalSeconds:0} s); run the same command again to resume");
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new NeuralStyleException(
                    $"connection to {source.Host} lost after {done} bytes ({UserMessage.Clause(e.Message)}); run the same command again to resume", e);
            }
            if (read == 0)
                break;

            try
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new NeuralStyleException($"cannot write {file.Name}: {UserMessage.Clause(e.Message)}", e);
            }
            sha.AppendData(buffer, 0, read);
            done += read;

            if (sinceReport.Elapsed >= ProgressInterval)
            {
                progress?.Report(new DownloadProgress(done, total));
                sinceReport.Restart();
            }
        }
        progress?.Report(new DownloadProgress(done, total ?? done));
        return done;
    }

    private static FileStream OpenPart(string part, bool append)
    {
        try
        {
            // FileShare.None: a second download of the same file into the same cache fails here
            // instead of interleaving bytes into one .part.
            return new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None,
                bufferSize: 1 << 16, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuralStyleException(
                $"cannot write {part}: {UserMessage.Clause(e.Message)}; is another download running, or set {ModelCache.CacheVariable} to a writable folder", e);
        }
    }

    private static void CreateFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuralStyleException(
                $"cannot create cache folder {folder}: {UserMessage.Clause(e.Message)}; set {ModelCache.CacheVariable} to a writable folder", e);
        }
    }

    private static void Install(string part, string destination)
    {
        try
        {
            File.Move(part, destination, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuralStyleException($"cannot move {part} to {destination}: {UserMessage.Clause(e.Message)}", e);
        }
    }

    private static async Task<string> HashOfFileAsync(string path, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await HashFileIntoAsync(path, sha, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static async Task HashFileIntoAsync(string path, IncrementalHash sha, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            sha.AppendData(buffer, 0, read);
    }

    private static void DeleteQuietly(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a stale .part is harmless: it is re-checked next time */ }
    }
}
