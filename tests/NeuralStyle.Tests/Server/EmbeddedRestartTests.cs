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
    // Found by this test: the duplicate used to claim the job (every thread of a process had the same holder name) and
    // Hangfire's abort of the first run was taken for a shutdown, leaving the job queued for good. Now each execution
    // claims under its own name, only a real shutdown gives a job back, and the embedded store's invisibility timeout
    // is a day (a crashed server's jobs are requeued at the next start instead, see EmbeddedCrashTests); here it is
    // shortened to 2 s to force duplicate deliveries.
    [Fact]
    public async Task AJobRedeliveredInTheSameProcessRunsOnce()
    {
        await using var server = await RunningServer.StartAsync(o => o with
        {
            EmbeddedInvisibilityTimeout = TimeSpan.FromSeconds(2),
            Worker = o.Worker with { Jobs = 2, Threads = 1 },
        });
        var job = await server.CreateAsync(RunningServer.SmallJob(120));
        var done = await server.WaitAsync(job.Id, RunningServer.Finished, TimeSpan.FromMinutes(10));
        Assert.True(done.State == "done", $"{done.State}: {done.Error}");
        Assert.Equal(1, done.Attempts);
    }
}
