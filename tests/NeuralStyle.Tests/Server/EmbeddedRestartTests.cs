using NeuralStyle.Tests.Support;
using Xunit.Abstractions;

namespace NeuralStyle.Tests.Server;

/// <summary>The embedded service (SQLite files, jobs run in the web server) stopped gracefully mid-job and started
/// again on the same data folder: the job checkpoints, goes back to the queue and resumes where it was.</summary>
public sealed class EmbeddedRestartTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _data = new();

    [Fact]
    public async Task AJobUnderWayResumesAfterAGracefulRestart()
    {
        string id;
        int stepAtStop;
        var stopping = new System.Diagnostics.Stopwatch();
        await using (var server = await RunningServer.StartAsync(data: _data))
        {
            id = (await server.CreateAsync(new Dictionary<string, string>(RunningServer.SmallJob(200)) { ["seed"] = "3" })).Id;
            var running = await server.WaitAsync(id, j => RunningServer.Finished(j) || j.Progress.Step >= 5, TimeSpan.FromMinutes(10));
            Assert.True(running.State == "running", $"the job ended before the restart: {running.State} {running.Error}");
            stepAtStop = running.Progress.Step;
            stopping.Start();
        } // graceful stop: the job checkpoints and is given back to the queue

        output.WriteLine($"the server stopped in {stopping.Elapsed.TotalSeconds:0.0} s");
        await using var again = await RunningServer.StartAsync(data: _data);
        var stopped = await again.GetAsync(id);
        output.WriteLine($"stopped at step {stepAtStop}+, state after the stop {stopped.State}, checkpoint at step {stopped.CheckpointStep}");
        Assert.True(stopped.CheckpointStep >= stepAtStop, $"checkpoint at step {stopped.CheckpointStep}, the job was at step {stepAtStop}");

        var done = await again.WaitAsync(id, RunningServer.Finished, TimeSpan.FromMinutes(10));
        Assert.True(done.State == "done", $"{done.State}: {done.Error}");
        Assert.Equal(2, done.Attempts);
        Assert.True(done.CheckpointStep > 0);
        Assert.Equal(done.Progress.TotalSteps, done.Progress.Step);
        ScaleOutTests.AssertPng(await again.Client.GetByteArrayAsync($"/api/jobs/{id}/result"), 128);
    }

    public void Dispose() => _data.Dispose();
}

/// <summary>Hangfire hands a job on to another of the process's workers when it has been fetched longer than the
/// invisibility timeout (SQLite has no sliding timeout); that duplicate must not run the job a second time beside
/// the first (the store's claim is the guard).</summary>
public sealed class EmbeddedDuplicateDeliveryTests
{
    // Known bug, found by this test and not fixed yet: the job ends up "queued" for good (seen: still queued at step 4
    // after 10 minutes). Likely: the duplicate claims the job (TryClaim accepts "worker = @worker", and every thread
    // of a process has the same worker name), Hangfire's state change cancels the first run's token, which the
    // runner takes for a shutdown: it releases the job (queued, no worker) and Hangfire does not requeue an aborted
    // job; the duplicate then finds itself Lost and returns. Real with serve --jobs 2 and a job longer than the
    // invisibility timeout (60 s by default).
    [Fact(Skip = "known bug: a job redelivered within one embedded process is left queued for good (see the comment)")]
    public async Task AJobRedeliveredInTheSameProcessRunsOnce()
    {
        await using var server = await RunningServer.StartAsync(o => o with
        {
            InvisibilityTimeout = TimeSpan.FromSeconds(2),
            Worker = o.Worker with { Jobs = 2, Threads = 1 },
        });
        var job = await server.CreateAsync(RunningServer.SmallJob(120));
        var done = await server.WaitAsync(job.Id, RunningServer.Finished, TimeSpan.FromMinutes(10));
        Assert.True(done.State == "done", $"{done.State}: {done.Error}");
        Assert.Equal(1, done.Attempts);
    }
}
