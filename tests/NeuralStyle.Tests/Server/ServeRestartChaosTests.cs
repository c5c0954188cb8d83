using System.Diagnostics;
using System.Net.Http.Json;
using NeuralStyle.Server.Web;
using NeuralStyle.Tests.Support;
using Xunit.Abstractions;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// <c>neural-style serve --database</c> SIGKILLed twice while jobs wait in its queue, and started again, with the real
/// parts: PostgreSQL 15, a <c>serve</c> child process and a <c>neural-style worker</c> process. The queue lives in the
/// database, so every job must finish, with the PNG of an uninterrupted run byte for byte (all ask for the same picture
/// with the same seed). Timeouts are hang guards for a loaded 2-core machine, not timing checks.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServeRestartChaosTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(6);
    private static Dictionary<string, string> Request() => new(RunningServer.SmallJob(20)) { ["seed"] = "17" };

    [SkippableFact]
    public async Task QueuedJobsAllFinishThroughServeKilledAndStartedAgainTwice()
    {
        var database = postgres.Server.CreateDatabase("serverestart");
        using var data = new TempFolder();
        await using var worker = WorkerProcess.Start(database, "--threads", "1");
        var serve = WorkerProcess.StartServe(data.Path, "--database", database);
        try
        {
            var client = RunningServer.NewClient(await serve.WaitServingAsync());
            var ids = new List<string>();
            var kills = 0;
            for (var round = 0; round < 2; round++)
            {
                // Two jobs, then the kill: the worker runs one at a time, so at least one is still in the queue.
                for (var i = 0; i < 2; i++) ids.Add(await CreateAsync(client, Request()));
                var states = await StatesAsync(client, ids);
                Assert.True(states.Contains("queued"), $"no job was queued at kill {round + 1}: {string.Join(", ", states)}");
                serve.Crash();
                kills++;
                output.WriteLine($"serve SIGKILLed with jobs {string.Join(", ", states)}");
                await serve.DisposeAsync();
                client.Dispose();
                serve = WorkerProcess.StartServe(data.Path, "--database", database);
                client = RunningServer.NewClient(await serve.WaitServingAsync());
            }
            await worker.WaitReadyAsync();

            var finished = new List<JobView>();
            foreach (var id in ids) finished.Add(await WaitAsync(client, id, RunningServer.Finished));
            Assert.All(finished, j => Assert.True(j.State == "done", $"job {j.Id} is {j.State}: {j.Error}\n--- worker:\n{worker.Output}\n--- serve:\n{serve.Output}"));

            var reference = await CreateAsync(client, Request());
            var uninterrupted = await WaitAsync(client, reference, RunningServer.Finished);
            Assert.True(uninterrupted.State == "done", $"{uninterrupted.State}: {uninterrupted.Error}");
            var expected = await client.GetByteArrayAsync($"/api/jobs/{reference}/result");
            ScaleOutTests.AssertPng(expected, 128);
            foreach (var id in ids)
            {
                var actual = await client.GetByteArrayAsync($"/api/jobs/{id}/result");
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"job {id}'s result differs from the uninterrupted run ({actual.Length} vs {expected.Length} bytes)");
            }
            output.WriteLine($"{kills} serve kills, {ids.Count} jobs, lost 0: all byte-identical to the uninterrupted run ({expected.Length} bytes)");
            client.Dispose();
            await serve.StopAsync();
            await worker.StopAsync();
        }
        finally
        {
            await serve.DisposeAsync();
        }
    }

    private static async Task<string> CreateAsync(HttpClient client, Dictionary<string, string> fields)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        using var response = await client.PostAsync("/api/jobs", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/jobs: {(int)response.StatusCode} {body}");
        return System.Text.Json.JsonSerializer.Deserialize<JobView>(body, RunningServer.Json)!.Id;
    }

    private static async Task<List<string>> StatesAsync(HttpClient client, IEnumerable<string> ids)
    {
        var states = new List<string>();
        foreach (var id in ids) states.Add((await client.GetFromJsonAsync<JobView>($"/api/jobs/{id}", RunningServer.Json))!.State);
        return states;
    }

    private static Task<JobView> WaitAsync(HttpClient client, string id, Func<JobView, bool> until) =>
        JobPolling.UntilAsync(client, id, until, JobTimeout);
}
