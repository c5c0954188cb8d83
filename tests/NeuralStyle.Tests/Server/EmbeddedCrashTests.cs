using System.Net.Http.Json;
using NeuralStyle.Server.Web;
using NeuralStyle.Tests.Support;
using SkiaSharp;

namespace NeuralStyle.Tests.Server;

/// <summary>A <c>neural-style serve</c> process killed mid-job (SIGKILL): the next server on the same folder puts the
/// job back in the queue at once and resumes it from its last checkpoint.</summary>
public class EmbeddedCrashTests
{
    [Fact]
    public async Task AJobOfACrashedServerResumesFromItsCheckpointWhenTheServerStartsAgain()
    {
        using var data = new TempFolder();
        string id;
        int checkpointAtCrash;
        await using (var first = WorkerProcess.StartServe(data.Path, "--checkpoint-steps", "5", "--threads", "1"))
        {
            using var client = RunningServer.NewClient(await first.WaitServingAsync());
            using var form = new MultipartFormDataContent();
            foreach (var (name, value) in RunningServer.SmallJob(150)) form.Add(new StringContent(value), name);
            using var created = await client.PostAsync("/api/jobs", form);
            id = (await created.Content.ReadFromJsonAsync<JobView>(RunningServer.Json))!.Id;
            var job = await Poll(client, id, j => j.CheckpointStep >= 5 && j.Progress.Step > j.CheckpointStep || RunningServer.Finished(j));
            Assert.Equal("running", job.State);
            checkpointAtCrash = job.CheckpointStep;
            first.Crash();
        }

        await using var second = WorkerProcess.StartServe(data.Path, "--threads", "1");
        using var again = RunningServer.NewClient(await second.WaitServingAsync());
        var done = await Poll(again, id, RunningServer.Finished, timeout: TimeSpan.FromMinutes(5));
        Assert.True(done.State == "done", $"{done.State}: {done.Error}\n{second.Output}");
        Assert.Equal(2, done.Attempts);
        Assert.True(checkpointAtCrash >= 5);
        Assert.Contains($"resuming from the checkpoint at step", second.Output);
        using var image = SKBitmap.Decode(await again.GetByteArrayAsync(done.Links.Result));
        Assert.Equal(128, Math.Max(image.Width, image.Height));
    }

    private static async Task<JobView> Poll(HttpClient client, string id, Func<JobView, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            var job = (await client.GetFromJsonAsync<JobView>($"/api/jobs/{id}", RunningServer.Json))!;
            if (until(job)) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} is still {job.State} at step {job.Progress.Step}");
            await Task.Delay(200);
        }
    }
}
