using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using NeuralStyle.Bench.Chaos;
using NeuralStyle.Cli;

namespace NeuralStyle.Bench.Commands;

/// <summary><c>neural-style-bench serve-chaos</c>: the scaled-out service under faults, for real. A PostgreSQL 15 in a
/// temporary folder, <c>neural-style serve --database</c> and two <c>neural-style worker</c>s, all on loopback; first one
/// uninterrupted reference job per seed, then N jobs of the same settings while the database is SIGKILLed and restarted
/// every 15 s and a worker is SIGKILLed (and restarted) twice. Every job must end done with a result byte-identical to
/// its reference: exits 1 when one is lost or differs. Everything it started is stopped and its folder removed, also on
/// failure or Ctrl-C.</summary>
public static class BenchServeChaosCommand
{
    private static readonly string[] WorkerFlags = ["--threads", "1", "--checkpoint-steps", "10", "--takeover-seconds", "6"];
    private const int Seeds = 2; // jobs alternate between two seeds, so a result handed to the wrong job shows

    public static Command Create()
    {
        var jobs = new Option<int>("--jobs") { Description = "Jobs submitted for the chaos phase (1–20: serve lets one address have 20 active jobs).", DefaultValueFactory = _ => 8 };
        var size = new Option<int>("--size") { Description = "Each job's size (longest side).", DefaultValueFactory = _ => 128 };
        var iterations = new Option<int>("--iterations") { Description = "Each job's steps (checkpointed every 10).", DefaultValueFactory = _ => 100 };
        var dbEvery = new Option<double>("--db-kill-seconds") { Description = "Seconds between SIGKILLs of the database (each followed by a restart).", DefaultValueFactory = _ => 15 };
        var timeout = new Option<double>("--timeout-minutes") { Description = "Overall limit for the jobs to finish; past it the unfinished ones count as lost.", DefaultValueFactory = _ => 15 };
        var command = new Command("serve-chaos", "Soak the scaled-out service: N jobs on two workers while PostgreSQL is killed every 15 s and a worker twice; every result must match an uninterrupted run byte for byte.");
        foreach (var o in new Option[] { jobs, size, iterations, dbEvery, timeout }) command.Options.Add(o);
        command.SetAction((parsed, cancellation) =>
        {
            if (parsed.GetValue(jobs) is < 1 or > 20) throw new NeuralStyleException("--jobs must be between 1 and 20");
            if (parsed.GetValue(size) is < 32 or > 1024) throw new NeuralStyleException("--size must be between 32 and 1024");
            if (parsed.GetValue(iterations) is < 20 or > 5000) throw new NeuralStyleException("--iterations must be between 20 and 5000");
            if (parsed.GetValue(dbEvery) < 5) throw new NeuralStyleException("--db-kill-seconds must be at least 5");
            if (parsed.GetValue(timeout) <= 0) throw new NeuralStyleException("--timeout-minutes must be > 0");
            Signals.Graceful = true; // Ctrl-C still stops everything and removes the folder
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, Signals.Token);
            var setup = new Setup(parsed.GetValue(jobs), parsed.GetValue(size), parsed.GetValue(iterations),
                TimeSpan.FromSeconds(parsed.GetValue(dbEvery)), TimeSpan.FromMinutes(parsed.GetValue(timeout)));
            return Run(setup, stop.Token);
        });
        return command;
    }

    private sealed record Setup(int Jobs, int Size, int Iterations, TimeSpan DbKillEvery, TimeSpan Timeout);

    /// <summary>A submitted job: its own owner key (so the per-client job limit does not apply), its seed, its last status.</summary>
    private sealed class Job(string id, string key, int seed)
    {
        public string Id { get; } = id;
        public string Key { get; } = key;
        public int Seed { get; } = seed;
        public string State { get; set; } = "queued";
        public string? Worker { get; set; }
        public int Attempts { get; set; }
        public string? Error { get; set; }
        public bool Finished => State is "done" or "failed" or "cancelled";
    }

    private static async Task<int> Run(Setup setup, CancellationToken stop)
    {
        var wall = Stopwatch.StartNew();
        var root = Directory.CreateTempSubdirectory("neural-style-serve-chaos-");
        BenchPostgres? postgres = null;
        ToolProcess? serve = null;
        var workers = new ToolProcess?[2];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            // PostgreSQL runs as its own OS user (when we are root): it must be able to pass through this folder to its own.
            if (!OperatingSystem.IsWindows()) root.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            var pgFolder = Directory.CreateDirectory(Path.Combine(root.FullName, "postgres")).FullName;
            (postgres, var database) = BenchPostgres.Start(pgFolder, "chaos");
            serve = ToolProcess.Start("serve", "serve", "--port", "0", "--database", database, "--data", Path.Combine(root.FullName, "serve"));
            var line = await serve.WaitForLine("neural-style: serving ", TimeSpan.FromMinutes(2), stop);
            http.BaseAddress = new Uri(line["neural-style: serving ".Length..].Split(' ')[0]);
            for (var i = 0; i < workers.Length; i++) workers[i] = await StartWorker(i, database, root.FullName, 0, stop);
            Console.WriteLine($"cpu: {CpuName()}, {Environment.ProcessorCount} logical cores; load average {LoadAverage()}");
            Console.WriteLine($"PostgreSQL on 127.0.0.1:{postgres.Port}, serve on {http.BaseAddress}, 2 workers ({string.Join(' ', WorkerFlags)})");
            Console.WriteLine($"jobs: chelsea × starry_night, resnet18, {setup.Size} px, {setup.Iterations} steps, seeds 1–{Seeds}");

            // The references: one job per seed on the same service, without faults.
            var referenceClock = Stopwatch.StartNew();
            var references = new List<Job>();
            for (var seed = 1; seed <= Seeds; seed++) references.Add(await Submit(http, setup, seed, stop));
            while (references.Any(j => !j.Finished))
            {
                if (referenceClock.Elapsed > setup.Timeout) throw new NeuralStyleException($"the reference jobs did not finish within {setup.Timeout.TotalMinutes:0} minutes");
                await Task.Delay(500, stop);
                foreach (var job in references) await Refresh(http, job, stop);
            }
            if (references.FirstOrDefault(j => j.State != "done") is { } bad) throw new NeuralStyleException($"reference job {bad.Id} (seed {bad.Seed}) is {bad.State}: {bad.Error}");
            var expected = new Dictionary<int, byte[]>();
            foreach (var job in references) expected[job.Seed] = await Result(http, job, stop);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"references: {Seeds} jobs without faults in {referenceClock.Elapsed.TotalSeconds:F1} s (both workers at once)"));

            // The chaos phase: all jobs queued at once, faults on a fixed schedule until every job has ended.
            var jobs = new List<Job>();
            for (var i = 0; i < setup.Jobs; i++) jobs.Add(await Submit(http, setup, i % Seeds + 1, stop));
            var chaos = Stopwatch.StartNew();
            TimeSpan[] workerKillsAt = [TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40)];
            int dbKills = 0, workerKills = 0, unplanned = 0, pollErrors = 0, restarts = 0;
            var nextDbKill = setup.DbKillEvery;
            while (jobs.Any(j => !j.Finished) && chaos.Elapsed < setup.Timeout)
            {
                if (chaos.Elapsed >= nextDbKill)
                {
                    var down = Stopwatch.StartNew();
                    await Task.Run(() => { postgres.Kill(); postgres.Restart(); }, stop);
                    dbKills++;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{chaos.Elapsed.TotalSeconds,6:F1} s  database SIGKILLed and restarted ({down.Elapsed.TotalSeconds:F1} s down); {Count(jobs, "done")} of {jobs.Count} done"));
                    nextDbKill += setup.DbKillEvery;
                }
                if (workerKills < workerKillsAt.Length && chaos.Elapsed >= workerKillsAt[workerKills])
                {
                    // The worker holding a running job (the fault that matters), else the next in turn.
                    var running = jobs.FirstOrDefault(j => j.State == "running" && j.Worker is not null);
                    var index = Array.FindIndex(workers, w => running is not null && Holds(w!, running.Worker));
                    var holding = index >= 0 ? $" while it ran job {running!.Id}" : "";
                    if (index < 0) index = workerKills % workers.Length;
                    workers[index]!.Crash();
                    workers[index]!.Dispose();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{chaos.Elapsed.TotalSeconds,6:F1} s  worker {index + 1} SIGKILLed{holding}; restarting it"));
                    workers[index] = null;
                    workers[index] = await StartWorker(index, database, root.FullName, ++restarts, stop);
                    workerKills++;
                }
                for (var i = 0; i < workers.Length; i++)
                {
                    if (!workers[i]!.HasExited) continue;
                    unplanned++;
                    Console.WriteLine($"{chaos.Elapsed.TotalSeconds,6:F1} s  worker {i + 1} exited by itself; restarting it. Its last lines:\n{workers[i]!.LastLog()}");
                    workers[i]!.Dispose();
                    workers[i] = null;
                    workers[i] = await StartWorker(i, database, root.FullName, ++restarts, stop);
                }
                await Task.Delay(500, stop);
                foreach (var job in jobs.Where(j => !j.Finished))
                {
                    if (!await Refresh(http, job, stop)) pollErrors++;
                }
            }
            var chaosTime = chaos.Elapsed;

            // Every job's result against its seed's reference, byte for byte.
            int done = 0, identical = 0;
            foreach (var job in jobs)
            {
                if (job.State != "done")
                {
                    Console.WriteLine($"LOST: job {job.Id} (seed {job.Seed}) is {job.State} after {job.Attempts} attempt(s){(job.Error is null ? "" : $": {job.Error}")}");
                    continue;
                }
                done++;
                var actual = await Result(http, job, stop);
                if (actual.AsSpan().SequenceEqual(expected[job.Seed])) identical++;
                else Console.WriteLine($"DIFFERS: job {job.Id} (seed {job.Seed}, {job.Attempts} attempt(s)): {actual.Length} bytes against the reference's {expected[job.Seed].Length}");
            }
            var lost = jobs.Count - done;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"jobs {jobs.Count}, done {done}, lost {lost}, byte-identical {identical}, db kills {dbKills}, worker kills {workerKills}, " +
                $"wall time {wall.Elapsed.TotalSeconds:F1} s (chaos phase {chaosTime.TotalSeconds:F1} s)"));
            Console.WriteLine($"attempts: {string.Join(' ', jobs.Select(j => j.Attempts))}; workers that exited by themselves: {unplanned}; status polls that failed (database down): {pollErrors}; load average {LoadAverage()}");
            if (workerKills < workerKillsAt.Length) Console.WriteLine($"note: the jobs ended before the planned worker kills ({workerKills} of {workerKillsAt.Length}); more --jobs or --iterations make a longer soak");
            return lost == 0 && identical == done ? 0 : 1;
        }
        catch (NeuralStyleException)
        {
            if (serve is not null) Console.Error.WriteLine(serve.LastLog());
            foreach (var w in workers) if (w is not null) Console.Error.WriteLine(w.LastLog());
            if (postgres is not null) Console.Error.WriteLine(postgres.LastLog());
            throw;
        }
        finally
        {
            foreach (var w in workers) w?.Dispose();
            serve?.Dispose();
            postgres?.Dispose();
            try
            {
                root.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"neural-style-bench: could not remove {root.FullName}: {e.Message}");
            }
        }
    }

    private static async Task<ToolProcess> StartWorker(int index, string database, string root, int restart, CancellationToken stop)
    {
        var worker = ToolProcess.Start($"worker {index + 1}", ["worker", "--database", database, "--data", Path.Combine(root, $"worker-{index + 1}-{restart}"), .. WorkerFlags]);
        try
        {
            await worker.WaitForLine("neural-style: worker ", TimeSpan.FromMinutes(3), stop);
            return worker;
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    /// <summary>A job's worker name is "machine:pid:suffix".</summary>
    private static bool Holds(ToolProcess worker, string? name) => name?.Split(':') is [_, var pid, _] && pid == worker.Pid.ToString(CultureInfo.InvariantCulture);

    private static int Count(List<Job> jobs, string state) => jobs.Count(j => j.State == state);

    private static async Task<Job> Submit(HttpClient http, Setup setup, int seed, CancellationToken stop)
    {
        var key = $"serve-chaos-{Guid.NewGuid():N}";
        using var form = new MultipartFormDataContent
        {
            { new StringContent("chelsea"), "photoExample" }, { new StringContent("starry_night"), "paintingExamples" },
            { new StringContent("resnet18"), "model" }, { new StringContent(setup.Size.ToString(CultureInfo.InvariantCulture)), "size" },
            { new StringContent(setup.Iterations.ToString(CultureInfo.InvariantCulture)), "iterations" },
            { new StringContent(seed.ToString(CultureInfo.InvariantCulture)), "seed" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = form };
        request.Headers.Add("X-Client-Key", key);
        using var created = await http.SendAsync(request, stop);
        if (!created.IsSuccessStatusCode) throw new NeuralStyleException($"creating a job: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(stop)}");
        return new Job((await created.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("id").GetString()!, key, seed);
    }

    /// <summary>Reads the job's state; false when the server could not answer (the database is down or restarting).</summary>
    private static async Task<bool> Refresh(HttpClient http, Job job, CancellationToken stop)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{job.Id}");
            request.Headers.Add("X-Client-Key", job.Key);
            using var response = await http.SendAsync(request, stop);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                job.State = "missing";
                return true;
            }
            if (!response.IsSuccessStatusCode) return false;
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(stop);
            job.State = json.GetProperty("state").GetString()!;
            job.Worker = json.GetProperty("worker").GetString();
            job.Attempts = json.GetProperty("attempts").GetInt32();
            job.Error = json.GetProperty("error").GetString();
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<byte[]> Result(HttpClient http, Job job, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{job.Id}/result");
        request.Headers.Add("X-Client-Key", job.Key);
        using var response = await http.SendAsync(request, stop);
        if (!response.IsSuccessStatusCode) throw new NeuralStyleException($"downloading job {job.Id}'s result: {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync(stop);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuName() =>
        (File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo") : []).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
}
