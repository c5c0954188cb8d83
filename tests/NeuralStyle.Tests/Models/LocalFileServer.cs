using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NeuralStyle.Tests.Models;

/// <summary>
/// A real HTTP/1.1 file server on 127.0.0.1 (free port) that can misbehave on request: cut the
/// connection mid-body, stall mid-body, ignore Range, or 404. Built on TcpListener rather than
/// HttpListener so a response can be truncated at an exact byte. Every request is recorded so
/// tests can assert what the client actually asked for. One request per connection.
/// </summary>
public sealed class LocalFileServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private long _cutNextAfter = -1;
    private long _stallNextAfter = -1;
    private readonly TaskCompletionSource _releaseStall = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LocalFileServer()
    {
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Files are served under /models/, like download.pytorch.org.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/models/");

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>When true, Range headers are ignored and the whole file is sent with 200.</summary>
    public bool IgnoreRange { get; set; }

    public void Serve(string fileName, byte[] content) => _files[fileName] = content;

    /// <summary>The next response closes the connection after this many body bytes.</summary>
    public void CutNextResponseAfter(long bodyBytes) => Interlocked.Exchange(ref _cutNextAfter, bodyBytes);

    /// <summary>The next response sends this many body bytes, then waits until <see cref="ReleaseStall"/>.</summary>
    public void StallNextResponseAfter(long bodyBytes) => Interlocked.Exchange(ref _stallNextAfter, bodyBytes);

    public void ReleaseStall() => _releaseStall.TrySetResult();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            if (head is null)
                return;
            var lines = head.Split("\r\n");
            var target = lines[0].Split(' ')[1];
            var headers = lines.Skip(1).Where(l => l.Contains(':'))
                .ToDictionary(l => l[..l.IndexOf(':')].Trim(), l => l[(l.IndexOf(':') + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
            headers.TryGetValue("Range", out var range);
            Requests.Enqueue(new RecordedRequest(target, range));

            var name = Uri.UnescapeDataString(target.StartsWith("/models/") ? target["/models/".Length..] : "");
            if (!_files.TryGetValue(name, out var content))
            {
                await WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }

            long from = 0;
            string status = "200 OK", extra = "";
            if (range is not null && !IgnoreRange && range.StartsWith("bytes=") && range.EndsWith('-'))
            {
                from = long.Parse(range["bytes=".Length..^1]);
                if (from >= content.Length)
                {
                    await WriteAsync(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{content.Length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }
                status = "206 Partial Content";
                extra = $"Content-Range: bytes {from}-{content.Length - 1}/{content.Length}\r\n";
            }

            var body = content.AsMemory((int)from);
            await WriteAsync(stream, $"HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\n{extra}Connection: close\r\n\r\n");

            var cut = Interlocked.Exchange(ref _cutNextAfter, -1);
            var stall = Interlocked.Exchange(ref _stallNextAfter, -1);
            if (cut >= 0)
            {
                await stream.WriteAsync(body[..(int)Math.Min(cut, body.Length)]);
                await stream.FlushAsync();
                return; // closing the socket mid-body
            }
            if (stall >= 0)
            {
                await stream.WriteAsync(body[..(int)Math.Min(stall, body.Length)]);
                await stream.FlushAsync();
                await _releaseStall.Task.WaitAsync(_stop.Token);
                return;
            }
            await stream.WriteAsync(body);
        }
        catch (Exception)
        {
            // The client hung up (e.g. a test cancelled the download); nothing to serve any more.
        }
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
                return Encoding.ASCII.GetString(bytes.ToArray());
        }
        return null;
    }

    private static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _releaseStall.TrySetResult();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }
}

public sealed record RecordedRequest(string Target, string? Range);
