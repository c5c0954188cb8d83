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
