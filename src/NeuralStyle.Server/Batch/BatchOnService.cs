using System.Globalization;
using Hangfire;
using NeuralStyle.Batch;
using NeuralStyle.Imaging;
using NeuralStyle.Server.Hosting;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Web;

namespace NeuralStyle.Server.Batch;

/// <summary>
/// <c>neural-style batch --database …</c>: the batch's items become jobs of the job service (its workers run them,
/// on any machine), and this follows them, writing each result to its output as it arrives. Interrupted, it cancels
/// the jobs not yet done; run again, it skips the outputs already there, as a local batch does.
/// </summary>
public static class BatchOnService
{
    public static IReadOnlyList<BatchOutcome> Run(string database, JobRequest request, IReadOnlyList<BatchItem> items, BatchFolder folder, TextWriter output,
        CancellationToken cancellation)
    {
        // The service's own limits are for strangers on the web; a batch is its operator's, so only the library's apply.
        var limits = new ServiceLimits { MaxUploadBytes = long.MaxValue, MaxInputPixels = ImageLimits.MaxPixels, MaxOutputSide = 8192, MaxIterations = 1_000_000 };
        request.Resolve(1, limits); // settings errors before anything is queued
        using var service = JobService.Open(new ServiceOptions { Database = database });
        var queue = new BackgroundJobClient(service.Queue);
        var outcomes = new Dictionary<BatchItem, BatchOutcome>();
        var pending = new Dictionary<string, (int Index, BatchItem Item)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (folder.IsMade(item))
            {
                outcomes[item] = new BatchOutcome(item, BatchItemState.Skipped);
                continue;
            }
            try
            {
                var photo = Read(item.Photo, limits);
                var painting = Read(item.Painting, limits);
                var job = new JobRecord
                {
                    Id = JobId.New(), Owner = $"batch:{Environment.MachineName}", Address = "batch", Request = request,
                    InputNames = [Path.GetFileName(item.Photo), Path.GetFileName(item.Painting)],
                };
                StyleJobRunner.Submit(service.Store, queue, job, Blobs.OfInputs([photo, painting]));
                pending[job.Id] = (i, item);
            }
            catch (NeuralStyleException e)
            {
                outcomes[item] = new BatchOutcome(item, BatchItemState.Failed, UserMessage.OneLine(e.Message));
                output.WriteLine($"batch {i + 1}/{items.Count}: failed: {UserMessage.OneLine(e.Message)}");
            }
        }
        output.WriteLine($"batch: {pending.Count} jobs queued on {service.Description}, {outcomes.Count} skipped or refused; following them");

        var lastSummary = DateTime.UtcNow;
        while (pending.Count > 0 && !cancellation.IsCancellationRequested)
        {
            foreach (var (id, (index, item)) in pending.ToList())
            {
                var job = service.Store.Get(id);
                if (job is null || !job.State.IsTerminal()) continue;
                pending.Remove(id);
                var place = $"batch {index + 1}/{items.Count}";
                if (job.State == JobState.Done && service.Store.GetBlob(id, Blobs.Result) is { } png)
                {
                    folder.Write(item.Output, path => AtomicFile.Write(path, stream => stream.Write(png)));
                    outcomes[item] = new BatchOutcome(item, BatchItemState.Done, Seconds: job.Progress.ElapsedSeconds);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{place}: wrote {item.Output} ({job.Progress.ElapsedSeconds:F1} s on worker {job.Worker})"));
                }
                else
                {
                    var why = job.Error ?? (job.State == JobState.Cancelled ? "cancelled on the service" : "no result");
                    outcomes[item] = new BatchOutcome(item, BatchItemState.Failed, why);
                    output.WriteLine($"{place}: failed: {why}");
                }
            }
            if (DateTime.UtcNow - lastSummary > TimeSpan.FromSeconds(10) && pending.Count > 0)
            {
                lastSummary = DateTime.UtcNow;
                var states = pending.Keys.Select(service.Store.Get).Where(j => j is not null).ToList();
                output.WriteLine($"batch: {outcomes.Count}/{items.Count} finished, {states.Count(j => j!.State == JobState.Running)} running, " +
                                 $"{states.Count(j => j!.State == JobState.Queued)} queued");
            }
            cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(500));
        }
        if (pending.Count > 0)
        {
            foreach (var id in pending.Keys) service.Store.RequestCancel(id);
            output.WriteLine($"batch: interrupted; cancelled the {pending.Count} jobs not finished");
        }
        return items.Where(outcomes.ContainsKey).Select(i => outcomes[i]).ToList();
    }

    private static byte[] Read(string path, ServiceLimits limits)
    {
        InputFile.Require(path, $"'{path}'");
        var bytes = File.ReadAllBytes(path);
        UploadCheck.Require(bytes, Path.GetFileName(path), limits);
        return bytes;
    }
}
