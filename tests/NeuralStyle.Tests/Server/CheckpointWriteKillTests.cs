using Xunit.Abstractions;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// A worker SIGKILLed inside a checkpoint write, with the real parts (PostgreSQL 15, two <c>neural-style worker</c>
/// processes): the store's test hook (<c>NEURALSTYLE_TEST_PAUSE_IN_CHECKPOINT_WRITE</c>, see
/// <c>CheckpointWritePause</c>) holds the first worker halfway through writing its step-20 checkpoint, the test kills
/// it there, and the other worker must resume from the last whole checkpoint (step 10), never the half-written one, and
/// end with the PNG of an uninterrupted run, byte for byte. Timeouts are hang guards, not timing checks.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CheckpointWriteKillTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(6);
    private static readonly string[] WorkerSetup = ["--threads", "1", "--checkpoint-steps", "10", "--takeover-seconds", "6"];

    [SkippableFact]
    public async Task AWorkerKilledInsideACheckpointWriteIsFinishedByAnotherFromTheLastWholeCheckpoint()
    {
        var database = postgres.Server.CreateDatabase("ckptkill");
        await using var web = await RunningServer.StartAsync(o => o with
        {
            Database = database, InvisibilityTimeout = TimeSpan.FromSeconds(6), Worker = o.Worker with { Lease = TimeSpan.FromSeconds(3) },
        }, runJobs: false);
        await using var paused = WorkerProcess.StartWithEnvironment(database,
            new Dictionary<string, string> { ["NEURALSTYLE_TEST_PAUSE_IN_CHECKPOINT_WRITE"] = "20" }, WorkerSetup);
        await paused.WaitReadyAsync();
        var request = new Dictionary<string, string>(RunningServer.SmallJob(40)) { ["seed"] = "13" };
        var id = (await web.CreateAsync(request)).Id;

        await paused.WaitForOutputAsync("paused inside the checkpoint write of step 20", JobTimeout);
        var during = await web.GetAsync(id);
        Assert.Equal(10, during.CheckpointStep); // the write under way is not visible: nothing of it is committed
        // Started during the paused write: a worker's startup must not wait for its open transaction (issue 21).
        await using var survivor = WorkerProcess.Start(database, WorkerSetup);
        await survivor.WaitReadyAsync();
        Assert.False(paused.HasExited);
        paused.Crash();
        output.WriteLine($"worker {paused.Pid} SIGKILLed inside the checkpoint write of step 20 (job at step {during.Progress.Step}, checkpoint {during.CheckpointStep})");

        var done = await web.WaitAsync(id, RunningServer.Finished, JobTimeout);
        Assert.True(done.State == "done", $"{done.State}: {done.Error}\n--- survivor:\n{survivor.Output}\n--- killed:\n{paused.Output}");
        Assert.True(survivor.Holds(done.Worker), $"finished by {done.Worker}");
        Assert.Equal(2, done.Attempts);
        Assert.Contains("resuming from the checkpoint at step 10", survivor.Output);
        Assert.Equal(10, done.Progress.ResumedFrom);

        var reference = await web.CreateAsync(request);
        var uninterrupted = await web.WaitAsync(reference.Id, RunningServer.Finished, JobTimeout);
        Assert.True(uninterrupted.State == "done", $"{uninterrupted.State}: {uninterrupted.Error}");
        var expected = await web.Client.GetByteArrayAsync($"/api/jobs/{reference.Id}/result");
        var actual = await web.Client.GetByteArrayAsync($"/api/jobs/{id}/result");
        ScaleOutTests.AssertPng(actual, 128);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"the resumed result differs from the uninterrupted one ({actual.Length} vs {expected.Length} bytes)");
        output.WriteLine($"resumed from step 10 by {done.Worker}: byte-identical to the uninterrupted run ({expected.Length} bytes)");
        await survivor.StopAsync();
    }
}
