using System.Diagnostics;
using Npgsql;
using NeuralStyle.Server.Hosting;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Storage;
using NeuralStyle.Server.Web;
using Xunit.Abstractions;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// The scaled-out service while its database fails, with the real parts: PostgreSQL 15, two <c>neural-style worker</c>
/// processes and an enqueue-only web server in this process, all on loopback. Faults: the postmaster SIGKILLed mid-job
/// and started again on the same data folder and port after longer than the workers' lease and takeover time (with a
/// worker SIGKILLed while it is down), and every backend of the job database terminated (pg_terminate_backend, what
/// a quick restart or a failover does to clients). Each time every job must finish with the PNG of an uninterrupted
/// run, byte for byte (all jobs ask for the same picture with the same seed and the workers use one thread each).
/// Small jobs (ResNet18, 128 px, 40 steps); timeouts are hang guards for a loaded 2-core machine, not timing checks.
/// </summary>
[Collection(PostgresCollection.Name)] // one at a time with the other PostgreSQL tests: they share the two cores
public sealed class DatabaseChaosTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(6);
    /// <summary>Longer than the workers' lease (3 s) and takeover time (6 s): every lease and Hangfire fetch runs out.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(15);
    private static readonly string[] WorkerSetup = ["--threads", "1", "--checkpoint-steps", "10", "--takeover-seconds", "6"];

    private static Dictionary<string, string> Request() => new(RunningServer.SmallJob(40)) { ["seed"] = "11" };

    [SkippableFact]
    public async Task JobsFinishThroughAKilledAndRestartedDatabaseWithTheImagesOfAnUninterruptedRun()
    {
        // A server of its own (killing the shared one would cut off the other tests' databases), whose commits survive its crash.
        var (server, skip) = PostgresServer.TryStart(durable: true);
        Skip.If(server is null, skip);
        using var _ = server;
        var database = server!.CreateDatabase("chaos");
        await using var web = await StartWebAsync(database);
        WorkerProcess[] workers = [WorkerProcess.Start(database, WorkerSetup), WorkerProcess.Start(database, WorkerSetup)];
        try
        {
            foreach (var w in workers) await w.WaitReadyAsync();
            var jobs = new List<string>();
            for (var i = 0; i < 3; i++) jobs.Add((await web.CreateAsync(Request())).Id);

            // Mid-job: a job past its first checkpoint.
            var running = await WaitThroughOutagesAsync(web, jobs[0], j => RunningServer.Finished(j) || (j.CheckpointStep >= 10 && j.Progress.Step > j.CheckpointStep));
            Assert.True(running.State == "running", $"the job ended before the fault: {running.State} {running.Error}");
            var before = await ViewsAsync(web, jobs);
            server.KillPostmaster();
            var downAt = Stopwatch.StartNew();
            output.WriteLine($"postmaster SIGKILLed with {Describe(before)}");

            // While it is down, the worker of the first job dies too: its job must be found and resumed by the other.
            await Task.Delay(Outage / 3);
            var holder = workers.Single(w => w.Holds(running.Worker));
            var survivor = workers.Single(w => w != holder);
            holder.Crash();
            await Task.Delay(Outage - downAt.Elapsed);
            server.Restart();
            output.WriteLine($"restarted after {downAt.Elapsed.TotalSeconds:0.0} s; worker {holder.Pid} was SIGKILLed meanwhile");

            var finished = new List<JobView>();
            foreach (var id in jobs) finished.Add(await WaitThroughOutagesAsync(web, id, RunningServer.Finished));
            foreach (var job in finished)
            {
                Assert.True(job.State == "done", $"job {job.Id} is {job.State}: {job.Error}\n--- survivor:\n{survivor.Output}\n--- killed worker:\n{holder.Output}");
                output.WriteLine($"{job.Id}: done by {job.Worker}, {job.Attempts} start(s)");
            }
            // The killed worker's job was resumed from its checkpoint by the survivor (a second start, not a fresh one).
            var resumed = finished.Single(j => j.Id == running.Id);
            Assert.True(survivor.Holds(resumed.Worker), $"finished by {resumed.Worker}");
            Assert.Equal(2, resumed.Attempts);
            Assert.Contains("resuming from the checkpoint at step", survivor.Output);
            Assert.Contains("the database is unreachable", survivor.Output); // the outage hit it mid-job (or mid-wait)

            ShowServiceLines(survivor);
            await AssertSameImagesAsUninterruptedAsync(web, finished);
            await survivor.StopAsync();
        }
        finally
        {
            foreach (var w in workers) await w.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task AJobWhoseWorkerGaveUpWaitingForTheDatabaseIsResumedFromItsCheckpointOnceItIsBack()
    {
        var (server, skip) = PostgresServer.TryStart(durable: true);
        Skip.If(server is null, skip);
        using var _ = server;
        var database = server!.CreateDatabase("patience");
        await using var web = await StartWebAsync(database);
        // It waits 4 s for a database that stays away 15 s: it must leave the job, not fail it.
        await using var worker = WorkerProcess.Start(database, [.. WorkerSetup, "--database-patience", "4"]);
        await worker.WaitReadyAsync();
        var id = (await web.CreateAsync(Request())).Id;

        // Near the end, so the worker runs out of steps during the outage and then waits, in vain, to store the result.
        var late = await WaitThroughOutagesAsync(web, id, j => RunningServer.Finished(j) || j.CheckpointStep >= 30);
        Assert.True(late.State == "running", $"the job ended before the fault: {late.State} {late.Error}");
        server.KillPostmaster();
        await Task.Delay(Outage);
        server.Restart();

        var job = await WaitThroughOutagesAsync(web, id, RunningServer.Finished);
        ShowServiceLines(worker);
        Assert.True(job.State == "done", $"{job.State}: {job.Error}\n--- worker:\n{worker.Output}");
        Assert.Contains($"job {id} is left for recovery", worker.Output);
        Assert.Contains($"resuming from the checkpoint at step {late.CheckpointStep}", worker.Output);
        Assert.Equal(2, job.Attempts);
        await AssertSameImagesAsUninterruptedAsync(web, [job]);
        await worker.StopAsync();
    }

    [SkippableFact]
    public async Task JobsFinishWhenEveryDatabaseConnectionIsTerminatedMidJob()
    {
        var database = postgres.Server.CreateDatabase("terminate");
        var name = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(database)).Database!;
        await using var web = await StartWebAsync(database);
        WorkerProcess[] workers = [WorkerProcess.Start(database, WorkerSetup), WorkerProcess.Start(database, WorkerSetup)];
        try
        {
            foreach (var w in workers) await w.WaitReadyAsync();
            var jobs = new List<string>();
            for (var i = 0; i < 2; i++) jobs.Add((await web.CreateAsync(Request())).Id);
            foreach (var id in jobs)
            {
                var job = await WaitThroughOutagesAsync(web, id, j => RunningServer.Finished(j) || (j.CheckpointStep >= 10 && j.Progress.Step > j.CheckpointStep));
                Assert.True(job.State == "running", $"job {id} ended before the fault: {job.State} {job.Error}");
            }

            // Three rounds, a second and a half apart: each drops every connection the workers and the web server have.
            var terminated = new List<int>();
            for (var round = 0; round < 3; round++)
            {
                terminated.Add(TerminateBackends(postgres.Server, name));
                await Task.Delay(1500);
            }
            output.WriteLine($"backends terminated per round: {string.Join(", ", terminated)}");
            Assert.All(terminated, n => Assert.True(n > 0, "no connection was there to terminate"));

            var finished = new List<JobView>();
            foreach (var id in jobs) finished.Add(await WaitThroughOutagesAsync(web, id, RunningServer.Finished));
            foreach (var job in finished)
            {
                Assert.True(job.State == "done", $"job {job.Id} is {job.State}: {job.Error}\n--- worker 1:\n{workers[0].Output}\n--- worker 2:\n{workers[1].Output}");
                // The workers keep their jobs (1 start); a second start, from the checkpoint, only if a machine this loaded
                // held a heartbeat back for a whole lease: the job is then resumed, as it must be, and still finishes.
                Assert.InRange(job.Attempts, 1, 2);
                output.WriteLine($"{job.Id}: done by {job.Worker}, {job.Attempts} start(s)");
            }
            foreach (var w in workers) ShowServiceLines(w);
            await AssertSameImagesAsUninterruptedAsync(web, finished);
            foreach (var w in workers) await w.StopAsync();
        }
        finally
        {
            foreach (var w in workers) await w.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task AJobWhoseWorkersKeepDyingFailsSayingSoInsteadOfLoopingForever()
    {
        var database = postgres.Server.CreateDatabase("cap");
        string id;
        await using (var web = await StartWebAsync(database)) id = (await web.CreateAsync(Request())).Id;
        // Workers took it and died before their first renewal, as many times as a job may start.
        var store = new PostgresJobStore(DatabaseUrl.ToConnectionString(database));
        var max = new WorkerOptions().MaxAttempts;
        for (var i = 0; i < max; i++)
        {
            Assert.True(store.TryClaim(id, $"crashed-{i}", TimeSpan.FromMilliseconds(1)), $"start {i + 1}");
            await Task.Delay(20);
        }
        Assert.Equal(1, store.CountActive(store.Get(id)!.Address)); // it still holds its owner's slot

        // The next worker to get it (here one in this process, through the queue or its reaper) fails it, saying why.
        await using var worker = await RunningServer.StartAsync(o => o with { Database = database }, runJobs: true);
        var failed = await worker.WaitAsync(id, RunningServer.Finished, JobTimeout);
        Assert.Equal("failed", failed.State);
        Assert.StartsWith($"stopped after {max} starts without finishing: each time its worker stopped or lost the database", failed.Error);
        Assert.Equal(0, store.CountActive(store.Get(id)!.Address)); // and the slot is free
    }

    [SkippableFact]
    public async Task ADeleteRacingTheLastStepsFinishLeavesNoImageWithoutItsJob()
    {
        var database = postgres.Server.CreateDatabase("race");
        var store = new PostgresJobStore(DatabaseUrl.ToConnectionString(database));
        store.Initialize();
        // A result of a few megabytes keeps the finishing transaction open long enough for the delete to land inside it.
        var result = new byte[4_000_000];
        Random.Shared.NextBytes(result);
        var finishedFirst = 0;
        for (var i = 0; i < 20; i++)
        {
            var job = new JobRecord { Id = JobId.New(), Owner = "key:race", Address = "127.0.0.1", Request = new JobRequest(), InputNames = ["a.png", "b.png"] };
            store.Create(job, new Dictionary<string, byte[]> { [Blobs.Photo] = [1, 2, 3], [Blobs.Painting(0)] = [4] });
            Assert.True(store.TryClaim(job.Id, "w", TimeSpan.FromSeconds(30)));
            using var start = new Barrier(2);
            var finish = Task.Run(() =>
            {
                start.SignalAndWait();
                return store.Finish(job.Id, "w", JobState.Done, null, new Dictionary<string, byte[]> { [Blobs.Result] = result, [Blobs.Plot] = [5] });
            });
            var delete = Task.Run(() =>
            {
                start.SignalAndWait();
                Thread.Sleep(i % 4); // land at different points of the finish
                return store.Delete(job.Id);
            });
            Assert.True(await delete, "the delete found no job");
            if (await finish) finishedFirst++;
            Assert.Null(store.Get(job.Id));
            Assert.Equal(0L, BlobCount(database, job.Id));
        }
        output.WriteLine($"20 races: the finish committed first {finishedFirst} times, the delete {20 - finishedFirst} times; no blob left either way");
    }

    private static long BlobCount(string database, string jobId)
    {
        using var connection = new NpgsqlConnection(DatabaseUrl.ToConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand("SELECT COUNT(*) FROM ns_blobs WHERE job_id = @id", connection);
        command.Parameters.AddWithValue("id", jobId);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The enqueue-only web server, with the workers' lease, so its reaper judges leases as they do.</summary>
    private static Task<RunningServer> StartWebAsync(string database) => RunningServer.StartAsync(o => o with
    {
        Database = database,
        InvisibilityTimeout = TimeSpan.FromSeconds(6),
        Worker = o.Worker with { Lease = TimeSpan.FromSeconds(3) },
    }, runJobs: false);

    /// <summary>Runs the same job once more with nothing failing and compares every result with it, byte for byte.</summary>
    private async Task AssertSameImagesAsUninterruptedAsync(RunningServer web, IReadOnlyList<JobView> finished)
    {
        var reference = await web.CreateAsync(Request());
        var uninterrupted = await WaitThroughOutagesAsync(web, reference.Id, RunningServer.Finished);
        Assert.True(uninterrupted.State == "done", $"{uninterrupted.State}: {uninterrupted.Error}");
        var expected = await web.Client.GetByteArrayAsync($"/api/jobs/{reference.Id}/result");
        ScaleOutTests.AssertPng(expected, 128);
        foreach (var job in finished)
        {
            var actual = await web.Client.GetByteArrayAsync($"/api/jobs/{job.Id}/result");
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"job {job.Id}'s result differs from the uninterrupted run ({actual.Length} vs {expected.Length} bytes)");
        }
        output.WriteLine($"{finished.Count} result(s) byte-identical to the uninterrupted run ({expected.Length} bytes)");
    }

    /// <summary>pg_terminate_backend on every connection to <paramref name="database"/> but this one; how many there were.</summary>
    private static int TerminateBackends(PostgresServer server, string database)
    {
        using var connection = new NpgsqlConnection(server.AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()) AS t", connection);
        command.Parameters.AddWithValue("db", database);
        return Convert.ToInt32(command.ExecuteScalar());
    }

    /// <summary>Polls a job; while the database is away the web server answers 500, which is waited out.</summary>
    private static async Task<JobView> WaitThroughOutagesAsync(RunningServer web, string id, Func<JobView, bool> until)
    {
        var deadline = Stopwatch.StartNew();
        JobView? last = null;
        while (true)
        {
            try
            {
                last = await web.GetAsync(id);
                if (until(last)) return last;
            }
            catch (HttpRequestException)
            {
                // The web server's database is down or its connections were just cut: it answers 500 meanwhile.
            }
            if (deadline.Elapsed > JobTimeout)
                throw new TimeoutException($"job {id} is still {last?.State} at step {last?.Progress.Step} after {JobTimeout.TotalMinutes:0} min: {last?.Error}");
            await Task.Delay(250);
        }
    }

    /// <summary>What the worker said about its jobs and the database (the job service's own lines, not Hangfire's).</summary>
    private void ShowServiceLines(WorkerProcess worker)
    {
        foreach (var line in worker.Output.Split('\n').Where(l => l.Contains("NeuralStyle.Server")))
            output.WriteLine($"worker {worker.Pid}: {line.Trim()}");
    }

    private static async Task<List<JobView>> ViewsAsync(RunningServer web, IEnumerable<string> ids)
    {
        var views = new List<JobView>();
        foreach (var id in ids) views.Add(await web.GetAsync(id));
        return views;
    }

    private static string Describe(IEnumerable<JobView> jobs) =>
        string.Join("; ", jobs.Select(j => $"{j.Id[..6]} {j.State} step {j.Progress.Step} checkpoint {j.CheckpointStep}"));
}
