using Npgsql;
using NeuralStyle.Server.Hosting;
using Xunit.Abstractions;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// A job stored whose Hangfire enqueue then fails (the queue's table refuses the insert, as a database that fails
/// between the two writes does) must still run: the web server answers as for any job, and a reaper queues it once it
/// has waited unclaimed. Real PostgreSQL 15 (the fault is a trigger on Hangfire's own job table), a real worker process.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LostEnqueueTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task AJobWhoseEnqueueFailedAfterItWasStoredIsQueuedByTheReaperAndRuns()
    {
        var database = postgres.Server.CreateDatabase("lostenqueue");
        var name = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(database)).Database!;
        // A short lease: the reaper looks every second and queues a job unclaimed for ten leases (10 s).
        await using var web = await RunningServer.StartAsync(o => o with { Database = database, Worker = o.Worker with { Lease = TimeSpan.FromSeconds(1) } },
            runJobs: false);

        Admin(postgres.Server, name, """
            CREATE FUNCTION ns_test_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected: the queue is unavailable'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER ns_test_refuse BEFORE INSERT ON hangfire.job FOR EACH ROW EXECUTE FUNCTION ns_test_refuse();
            """);
        var job = await web.CreateAsync(RunningServer.SmallJob(10));
        Assert.Equal("queued", job.State);
        Assert.Equal(0L, Admin(postgres.Server, name, "SELECT COUNT(*) FROM hangfire.job")); // the enqueue really failed
        Admin(postgres.Server, name, "DROP TRIGGER ns_test_refuse ON hangfire.job");

        await using var worker = WorkerProcess.Start(database, "--threads", "1");
        await worker.WaitReadyAsync();
        var done = await web.WaitAsync(job.Id, RunningServer.Finished, TimeSpan.FromMinutes(5));
        Assert.True(done.State == "done", $"{done.State}: {done.Error}\n--- worker:\n{worker.Output}");
        Assert.True(worker.Holds(done.Worker), $"run by {done.Worker}");
        Assert.Equal(1, done.Attempts);
        ScaleOutTests.AssertPng(await web.Client.GetByteArrayAsync($"/api/jobs/{job.Id}/result"), 128);
        output.WriteLine($"{job.Id}: its enqueue failed; queued by the reaper and done by {done.Worker}");
        await worker.StopAsync();
    }

    private static object? Admin(PostgresServer server, string database, string sql)
    {
        using var connection = new NpgsqlConnection(server.Connection(database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }
}
