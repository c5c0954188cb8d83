using System.Diagnostics;
using System.Net.Http.Json;
using NeuralStyle.Server.Web;

namespace NeuralStyle.Tests.Server;

/// <summary>Polls a job over HTTP (a <c>serve</c> child process: no <see cref="RunningServer"/> to ask) until it is as
/// wanted; the timeout is a hang guard that names where the job stood.</summary>
public static class JobPolling
{
    public static async Task<JobView> UntilAsync(HttpClient client, string id, Func<JobView, bool> until, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var job = (await client.GetFromJsonAsync<JobView>($"/api/jobs/{id}", RunningServer.Json))!;
            if (until(job)) return job;
            if (deadline.Elapsed > timeout) throw new TimeoutException($"job {id} is still {job.State} at step {job.Progress.Step}: {job.Error}");
            await Task.Delay(250);
        }
    }
}
