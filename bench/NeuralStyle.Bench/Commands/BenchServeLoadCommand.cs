using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using NeuralStyle.Cli;

namespace NeuralStyle.Bench.Commands;

/// <summary><c>neural-style-bench serve-load</c>: a real <c>neural-style serve</c> in a child process runs one long job
/// while N clients poll its status and preview on loopback; prints the latencies, the errors and how much the
/// polling slows the job down. Starts the built neural-style.dll next to this program; asserts nothing
/// itself, but exits 1 when any request failed.</summary>
public static class BenchServeLoadCommand
{
    public static Command Create()
    {
        var clients = new Option<int>("--clients") { Description = "Concurrent clients, each polling status and preview alternately.", DefaultValueFactory = _ => 100 };
        var seconds = new Option<double>("--seconds") { Description = "How long the clients poll.", DefaultValueFactory = _ => 30 };
        var quiet = new Option<double>("--quiet-seconds") { Description = "How long the job's speed is measured without load first.", DefaultValueFactory = _ => 10 };
        var size = new Option<int>("--size") { Description = "The job's size (longest side).", DefaultValueFactory = _ => 384 };
        // ResNet18 below 512 px runs one scale, so both measurements time steps of the same size (auto's
        // vgg19-conv3 starts a 3-scale pyramid at 128 px, where the measurement would fall).
        var model = new Option<string>("--model") { Description = "The job's model: resnet18, auto, vgg19-conv3.", DefaultValueFactory = _ => "resnet18" };
        var command = new Command("serve-load", "Load-test neural-style serve: N clients poll a running job's status and preview; latencies, errors and the job's slowdown.");
        foreach (var o in new Option[] { clients, seconds, quiet, size, model }) command.Options.Add(o);
        command.SetAction((parsed, cancellation) =>
        {
            if (parsed.GetValue(clients) < 1) throw new NeuralStyleException("--clients must be ≥ 1");
            if (parsed.GetValue(seconds) <= 0 || parsed.GetValue(quiet) <= 0) throw new NeuralStyleException("--seconds and --quiet-seconds must be > 0");
            // Ctrl-C stops the measurement and still cleans up (server stopped, folder removed).
            Signals.Graceful = true;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, Signals.Token);
            return Run(parsed.GetValue(clients), TimeSpan.FromSeconds(parsed.GetValue(seconds)), TimeSpan.FromSeconds(parsed.GetValue(quiet)),
                parsed.GetValue(size), parsed.GetValue(model)!, stop.Token);
        });
        return command;
    }

    private sealed record Status(string State, int Step, double Elapsed, int Scale, int Scales, int Side, int PreviewVersion, string? Error);

    private sealed record Sample(bool Preview, double Milliseconds, string? Error);

    /// <summary>The one client key of the run: the job's owner, as whose browser tabs the polling clients come.</summary>
    private static readonly string ClientKey = $"serve-load-{Guid.NewGuid():N}";

    private static async Task<int> Run(int clients, TimeSpan loadTime, TimeSpan quietTime, int size, string model, CancellationToken stop)
    {
        var data = Directory.CreateTempSubdirectory("neural-style-serve-load-");
        Process? server = null;
        List<string> serverLog = [];
        string? jobUrl = null;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Client-Key", ClientKey); // a job is its owner's: the polling clients are the same owner
        try
        {
            (server, var baseUrl) = await StartServer(data.FullName, serverLog, stop);
            http.BaseAddress = new Uri(baseUrl);
            Console.WriteLine($"cpu: {CpuName()}, {Environment.ProcessorCount} logical cores; load average {LoadAverage()}; server {baseUrl} (embedded SQLite store)");

            using var form = new MultipartFormDataContent
            {
                { new StringContent("chelsea"), "photoExample" }, { new StringContent("starry_night"), "paintingExamples" },
                { new StringContent(model), "model" }, { new StringContent(size.ToString(CultureInfo.InvariantCulture)), "size" },
                { new StringContent("5000"), "iterations" },
            };
            using (var created = await http.PostAsync("/api/jobs", form, stop))
            {
                if (!created.IsSuccessStatusCode) throw new NeuralStyleException($"creating the job: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(stop)}");
                jobUrl = $"/api/jobs/{(await created.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("id").GetString()}";
            }
            Console.WriteLine($"job: chelsea × starry_night, model {model}, {size} px, 5000 steps");

            // Running, a preview stored and a few steps reported (the first step also builds the targets).
            var start = await Poll(http, jobUrl, s => s.PreviewVersion > 0 && s.Step >= 3, TimeSpan.FromMinutes(3), stop);
            var cpu = CpuSeconds(server);
            var alone = await Rate(http, jobUrl, start, quietTime, stop);
            var aloneCpu = (CpuSeconds(server) - cpu) / quietTime.TotalSeconds;

            var before = await GetStatus(http, jobUrl, stop);
            cpu = CpuSeconds(server);
            var clock = Stopwatch.StartNew();
            var samples = new List<Sample>[clients];
            var tasks = Enumerable.Range(0, clients).Select(i => Task.Run(() => Client(baseUrl, jobUrl, loadTime, samples[i] = [], stop), stop)).ToList();
            // The job's speed under load: its steps over the window, read before the clients stop.
            await Task.Delay(loadTime, stop);
            var loaded = Speed(before, await GetStatus(http, jobUrl, stop));
            var loadedCpu = (CpuSeconds(server) - cpu) / clock.Elapsed.TotalSeconds;
            await Task.WhenAll(tasks);
            var wall = clock.Elapsed.TotalSeconds;

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: {clients} clients for {loadTime.TotalSeconds:0.#} s, each alternating GET {jobUrl} and …/preview on loopback"));
            Console.WriteLine("requests        count   req/s   p50 ms   p95 ms   p99 ms   max ms  errors");
            var all = samples.SelectMany(s => s).ToList();
            foreach (var (label, rows) in new[] { ("status", all.Where(s => !s.Preview).ToList()), ("preview", all.Where(s => s.Preview).ToList()), ("all", all) })
            {
                var ms = rows.Select(s => s.Milliseconds).Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{label,-10} {rows.Count,10} {rows.Count / wall,7:F0} {At(ms, 0.50),8:F1} {At(ms, 0.95),8:F1} {At(ms, 0.99),8:F1} {At(ms, 1),8:F1} {rows.Count(s => s.Error is not null),7}"));
            }
            foreach (var error in all.Where(s => s.Error is not null).GroupBy(s => s.Error).OrderByDescending(g => g.Count()).Take(5))
                Console.WriteLine($"  error ×{error.Count()}: {error.Key}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"job at scale {before.Scale + 1}/{before.Scales}, {before.Side} px: {alone:F2} steps/s alone, {loaded:F2} steps/s under load → slowdown ×{alone / loaded:F2}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"server process CPU: {aloneCpu:F2} cores alone, {loadedCpu:F2} under load; load average after {LoadAverage()}"));
            return all.Any(s => s.Error is not null) ? 1 : 0;
        }
        catch (NeuralStyleException)
        {
            lock (serverLog) foreach (var line in serverLog.TakeLast(20)) Console.Error.WriteLine($"  server: {line}");
            throw;
        }
        finally
        {
            if (server is not null)
            {
                if (jobUrl is not null)
                {
                    try
                    {
                        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                        (await http.PostAsync($"{jobUrl}/cancel", null, cancel.Token)).Dispose();
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                    {
                        // the server is stopped below either way
                    }
                }
                await StopServer(server);
            }
            try
            {
                data.Delete(recursive: true);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"neural-style-bench: could not remove {data.FullName}: {e.Message}");
            }
        }
    }

    /// <summary>One client: its own HttpClient (own connections, like a separate browser), status then preview, until the time is up.</summary>
    private static async Task Client(string baseUrl, string jobUrl, TimeSpan duration, List<Sample> samples, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Client-Key", ClientKey);
        var clock = Stopwatch.StartNew();
        var preview = false;
        while (clock.Elapsed < duration && !stop.IsCancellationRequested)
        {
            var started = clock.Elapsed;
            string? error = null;
            try
            {
                using var response = await http.GetAsync(preview ? $"{jobUrl}/preview" : jobUrl, stop);
                var body = await response.Content.ReadAsByteArrayAsync(stop);
                if (!response.IsSuccessStatusCode) error = $"HTTP {(int)response.StatusCode}";
                else if (preview && body is not [0xFF, 0xD8, ..]) error = "preview is not a JPEG";
                else if (!preview && body is not [(byte)'{', ..]) error = "status is not JSON";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                error = e.GetType().Name + ": " + e.Message;
            }
            samples.Add(new Sample(preview, (clock.Elapsed - started).TotalMilliseconds, error));
            preview = !preview;
        }
    }

    /// <param name="log">Receives the server's output (its log), shown when the measurement fails.</param>
    private static async Task<(Process Server, string Url)> StartServer(string data, List<string> log, CancellationToken stop)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "neural-style.dll");
        if (!File.Exists(dll)) throw new NeuralStyleException($"the tool is not built next to the bench: {dll}");
        var self = Environment.ProcessPath;
        var host = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "serve", "--port", "0", "--data", data }) start.ArgumentList.Add(a);
        var server = Process.Start(start)!;
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Read both pipes to the end so the server never blocks on a full pipe; its log is shown only when it fails.
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { url.TrySetException(new NeuralStyleException($"the server ended before listening: {string.Join(" | ", log.TakeLast(5))}")); return; }
            const string prefix = "neural-style: serving ";
            if (e.Data.StartsWith(prefix, StringComparison.Ordinal)) url.TrySetResult(e.Data[prefix.Length..].Split(' ')[0]);
            else lock (log) log.Add(e.Data);
        };
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (log) log.Add(e.Data);
        };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            return (server, await url.Task.WaitAsync(TimeSpan.FromMinutes(1), stop));
        }
        catch
        {
            await StopServer(server);
            throw;
        }
    }

    /// <summary>SIGTERM (the server checkpoints and stops), then SIGKILL if it is still there after 30 s.</summary>
    private static async Task StopServer(Process server)
    {
        if (!server.HasExited && Kill(server.Id, 15) != 0) Console.Error.WriteLine($"neural-style-bench: kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await server.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("neural-style-bench: the server did not stop within 30 s; killing it");
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        server.Dispose();
    }

    private static async Task<Status> GetStatus(HttpClient http, string jobUrl, CancellationToken stop)
    {
        var json = await http.GetFromJsonAsync<JsonElement>(jobUrl, stop);
        var progress = json.GetProperty("progress");
        return new Status(json.GetProperty("state").GetString()!, progress.GetProperty("step").GetInt32(), progress.GetProperty("elapsedSeconds").GetDouble(),
            progress.GetProperty("scale").GetInt32(), progress.GetProperty("scales").GetInt32(), progress.GetProperty("side").GetInt32(),
            json.GetProperty("previewVersion").GetInt32(), json.GetProperty("error").GetString());
    }

    private static async Task<Status> Poll(HttpClient http, string jobUrl, Func<Status, bool> until, TimeSpan timeout, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await GetStatus(http, jobUrl, stop);
            if (status.State is not ("queued" or "running")) throw new NeuralStyleException($"the job is {status.State}: {status}");
            if (status.State == "running" && until(status)) return status;
            if (clock.Elapsed > timeout) throw new NeuralStyleException($"the job did not get going within {timeout.TotalSeconds:0} s: {status}");
            await Task.Delay(200, stop);
        }
    }

    /// <summary>Steps per second over the next <paramref name="time"/> of the job's own clock (its reported elapsed seconds).</summary>
    private static async Task<double> Rate(HttpClient http, string jobUrl, Status from, TimeSpan time, CancellationToken stop)
    {
        await Task.Delay(time, stop);
        return Speed(from, await GetStatus(http, jobUrl, stop));
    }

    private static double Speed(Status from, Status to)
    {
        if (to.State != "running") throw new NeuralStyleException($"the job stopped during the measurement: {to}");
        if (to.Scale != from.Scale) Console.Error.WriteLine($"neural-style-bench: the job moved from scale {from.Scale} to {to.Scale} during a measurement; its rate mixes both");
        return to.Elapsed > from.Elapsed ? (to.Step - from.Step) / (to.Elapsed - from.Elapsed) : double.NaN;
    }

    /// <summary>The child's user + system CPU seconds so far (NaN when it cannot be read).</summary>
    private static double CpuSeconds(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalSeconds;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return double.NaN;
        }
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static double At(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string CpuName()
    {
        var lines = File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : [];
        var name = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var flags = lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
        return $"{name} (avx512_bf16: {(flags.Contains("avx512_bf16") ? "yes" : "no")})";
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
