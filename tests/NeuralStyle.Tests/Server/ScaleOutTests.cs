using System.Net.Http.Json;
using NeuralStyle.Server.Web;
using SkiaSharp;
using Xunit.Abstractions;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// The scaled-out service for real: a PostgreSQL server (<see cref="PostgresFixture"/>, a database per test), an
/// enqueue-only web server in this process and <c>neural-style worker</c> child processes. Timeouts are hang guards
/// for a loaded 2-core machine, not timing checks.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ScaleOutTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(10);

    [SkippableFact]
    public async Task TwoWorkersShareABatchOfJobs()
    {
        var database = postgres.Server.CreateDatabase("batch");
        await using var web = await RunningServer.StartAsync(o => o with { Database = database }, runJobs: false);
        await using var first = WorkerProcess.Start(database, "--threads", "1");
        await using var second = WorkerProcess.Start(database, "--threads", "1");
        await first.WaitReadyAsync();
        await second.WaitReadyAsync();

        var jobs = new List<JobView>();
        for (var i = 0; i < 4; i++)
            jobs.Add(await web.CreateAsync(new Dictionary<string, string>(RunningServer.SmallJob(30)) { ["seed"] = (i + 1).ToString() }));

        var finished = new List<JobView>();
        foreach (var job in jobs) finished.Add(await web.WaitAsync(job.Id, RunningServer.Finished, JobTimeout));
        foreach (var job in finished)
        {
            Assert.True(job.State == "done", $"job {job.Id} is {job.State}: {job.Error}\n--- worker 1:\n{first.Output}\n--- worker 2:\n{second.Output}");
            Assert.Equal(1, job.Attempts);
            AssertPng(await web.Client.GetByteArrayAsync($"/api/jobs/{job.Id}/result"), 128);
            output.WriteLine($"{job.Id}: {job.Worker}");
        }
        Assert.Contains(finished, j => first.Holds(j.Worker));
        Assert.Contains(finished, j => second.Holds(j.Worker));
        Assert.All(finished, j => Assert.True(first.Holds(j.Worker) || second.Holds(j.Worker), $"{j.Worker} is neither worker"));

        // SIGTERM: an idle worker stops gracefully.
        await first.StopAsync();
        await second.StopAsync();
        Assert.Contains("neural-style: stopped", first.Output);
        Assert.Contains("neural-style: stopped", second.Output);
    }

    [SkippableFact]
    public async Task AKilledWorkersJobIsFinishedByAnotherFromItsCheckpointWithTheSameImage()
    {
        var database = postgres.Server.CreateDatabase("crash");
        await using var web = await RunningServer.StartAsync(o => o with { Database = database }, runJobs: false);
        string[] setup = ["--threads", "1", "--checkpoint-steps", "10", "--takeover-seconds", "6"];
        WorkerProcess[] workers = [WorkerProcess.Start(database, setup), WorkerProcess.Start(database, setup)];
        try
        {
            foreach (var w in workers) await w.WaitReadyAsync();
            var request = new Dictionary<string, string>(RunningServer.SmallJob(100)) { ["seed"] = "7" };

            var job = await web.CreateAsync(request);
            var running = await web.WaitAsync(job.Id, j => RunningServer.Finished(j) || (j.CheckpointStep >= 10 && j.Progress.Step > j.CheckpointStep), JobTimeout);
            Assert.True(running.State == "running", $"the job ended before it could be interrupted: {running.State} {running.Error}");
            var holder = workers.Single(w => w.Holds(running.Worker));
            var survivor = workers.Single(w => w != holder);
            holder.Crash();
            var atKill = await web.GetAsync(job.Id); // the last the store heard from the dead worker
            output.WriteLine($"killed {running.Worker} at step {atKill.Progress.Step} (checkpoint at step {atKill.CheckpointStep})");

            var resumed = await web.WaitAsync(job.Id, RunningServer.Finished, JobTimeout);
            Assert.True(resumed.State == "done", $"{resumed.State}: {resumed.Error}\n--- survivor:\n{survivor.Output}");
            Assert.Equal(2, resumed.Attempts);
            Assert.True(survivor.Holds(resumed.Worker), $"finished by {resumed.Worker}");
            Assert.Contains($"resuming from the checkpoint at step {atKill.CheckpointStep}", survivor.Output);
            // "Resumed from step N" names where the survivor started, not the checkpoints it made afterwards.
            Assert.Equal(atKill.CheckpointStep, resumed.Progress.ResumedFrom);
            Assert.True(resumed.CheckpointStep > atKill.CheckpointStep, $"the survivor made no checkpoint of its own (at {resumed.CheckpointStep})");
            Assert.Equal(0, atKill.Progress.ResumedFrom); // the first run started from the beginning
            output.WriteLine($"resumed from step {atKill.CheckpointStep}: at least {atKill.Progress.Step - atKill.CheckpointStep} step(s) lost (the last report before the kill), {resumed.Progress.Step} steps in all");

            // The same job, uninterrupted, on the same worker setup: the resumed one must be the same image, byte for byte.
            var reference = await web.CreateAsync(request);
            var uninterrupted = await web.WaitAsync(reference.Id, RunningServer.Finished, JobTimeout);
            Assert.True(uninterrupted.State == "done", $"{uninterrupted.State}: {uninterrupted.Error}");
            Assert.Equal(1, uninterrupted.Attempts);
            var expected = await web.Client.GetByteArrayAsync($"/api/jobs/{reference.Id}/result");
            var actual = await web.Client.GetByteArrayAsync($"/api/jobs/{job.Id}/result");
            AssertPng(actual, 128);
            Assert.True(expected.AsSpan().SequenceEqual(actual),
                $"the resumed result differs from the uninterrupted one ({actual.Length} vs {expected.Length} bytes)");
            await survivor.StopAsync();
        }
        finally
        {
            foreach (var w in workers) await w.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task QueuedJobsSurviveAWebServerRestartAndRunWhenAWorkerComes()
    {
        var database = postgres.Server.CreateDatabase("restart");
        var ids = new List<string>();
        await using (var web = await RunningServer.StartAsync(o => o with { Database = database }, runJobs: false))
        {
            for (var i = 0; i < 2; i++) ids.Add((await web.CreateAsync(RunningServer.SmallJob(20))).Id);
            foreach (var id in ids) Assert.Equal("queued", (await web.GetAsync(id)).State);
        }

        await using var again = await RunningServer.StartAsync(o => o with { Database = database }, runJobs: false);
        var listed = (await again.Client.GetFromJsonAsync<List<JobView>>("/api/jobs", RunningServer.Json))!;
        Assert.Equal(ids.Order(), listed.Select(j => j.Id).Order());
        Assert.All(listed, j => Assert.Equal("queued", j.State));
        foreach (var id in ids)
        {
            using var photo = await again.Client.GetAsync($"/api/jobs/{id}/inputs/0");
            Assert.True(photo.IsSuccessStatusCode, $"inputs/0: {(int)photo.StatusCode}");
        }

        await using var worker = WorkerProcess.Start(database, "--threads", "1");
        await worker.WaitReadyAsync();
        foreach (var id in ids)
        {
            var job = await again.WaitAsync(id, RunningServer.Finished, JobTimeout);
            Assert.True(job.State == "done", $"{job.State}: {job.Error}\n--- worker:\n{worker.Output}");
            Assert.True(worker.Holds(job.Worker));
            AssertPng(await again.Client.GetByteArrayAsync($"/api/jobs/{id}/result"), 128);
        }
        await worker.StopAsync();
    }

    /// <summary>A PNG (by its codec, not only its signature) whose longest side is <paramref name="side"/>.</summary>
    internal static void AssertPng(byte[] bytes, int side)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        Assert.NotNull(codec);
        Assert.Equal(SKEncodedImageFormat.Png, codec.EncodedFormat);
        using var bitmap = SKBitmap.Decode(codec);
        Assert.NotNull(bitmap);
        Assert.Equal(side, Math.Max(bitmap.Width, bitmap.Height));
    }
}
