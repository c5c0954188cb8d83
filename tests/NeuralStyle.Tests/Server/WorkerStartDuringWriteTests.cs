using Npgsql;
using NeuralStyle.Server.Hosting;
using NeuralStyle.Server.Jobs;
using Xunit.Abstractions;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// A new worker must start while jobs are being written (issue 21): another process holds an open transaction that
/// updated a row of <c>ns_jobs</c>, as a checkpoint write under way does, and a real <c>neural-style worker</c> process
/// started meanwhile must print its start line before that transaction ends. Its startup prepares both stores (ours and
/// Hangfire's schema); DDL there (CREATE INDEX IF NOT EXISTS locks the table) would wait for the writer and end in
/// "cannot reach the database". Real PostgreSQL 15. The timeout is a hang guard, not a timing check.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WorkerStartDuringWriteTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task AWorkerStartsWhileAnotherProcessHoldsAnOpenWriteToTheJobTable()
    {
        var database = postgres.Server.CreateDatabase("ddl");
        // The service as it runs: a first process made the tables and Hangfire's schema and stored a job.
        var job = new JobRecord { Id = JobId.New(), Owner = "key:ddl", Address = "127.0.0.1", Request = new JobRequest(), InputNames = ["a.png", "b.png"] };
        using (var first = JobService.Open(new ServiceOptions { Database = database }))
            first.Store.Create(job, new Dictionary<string, byte[]> { [Blobs.Photo] = [1, 2, 3], [Blobs.Painting(0)] = [4] });

        await using var writer = new NpgsqlConnection(DatabaseUrl.ToConnectionString(database));
        await writer.OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        Assert.Equal(1, await Execute(writer, "UPDATE ns_jobs SET checkpoint_step = 7 WHERE id = @id", job.Id)); // kept open

        await using var worker = WorkerProcess.Start(database, "--threads", "1");
        try
        {
            await worker.WaitReadyAsync(StartTimeout);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            Assert.Fail($"the worker did not start while a write to ns_jobs was open: {e.Message}");
        }
        // Still open: the worker got ready during it, not after it.
        Assert.Equal(1, await Execute(writer, "UPDATE ns_jobs SET checkpoint_step = 8 WHERE id = @id", job.Id));
        await transaction.CommitAsync();
        output.WriteLine($"worker {worker.Pid} started while a transaction that wrote to ns_jobs was open");

        using (var reader = JobService.Open(new ServiceOptions { Database = database }))
            Assert.Equal(8, reader.Store.Get(job.Id)!.CheckpointStep);
        await worker.StopAsync();
    }

    private static async Task<int> Execute(NpgsqlConnection connection, string sql, string id)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync();
    }
}
