using NeuralStyle.Imaging;
using NeuralStyle.Server.Storage;
using NeuralStyle.Transfer;

namespace NeuralStyle.Server.Jobs;

/// <summary>A job's images, read from the store (a worker needs nothing but the store).</summary>
public static class JobInputs
{
    public static StyleTransferInputs Load(IJobStore store, JobRecord job)
    {
        var photo = store.GetBlob(job.Id, Blobs.Photo) ?? throw new NeuralStyleException("the job's photo is missing from the store");
        var paintings = new List<ImageSource>();
        for (var i = 0; store.GetBlob(job.Id, Blobs.Painting(i)) is { } painting; i++)
            paintings.Add(ImageSource.FromBytes(painting, job.InputNames.ElementAtOrDefault(i + 1) ?? $"painting {i + 1}"));
        return new StyleTransferInputs(ImageSource.FromBytes(photo, job.InputNames[0]), paintings, job.Request.StyleBlend);
    }

    /// <summary>How many paintings a job has (its blobs painting-0, painting-1, …).</summary>
    public static int PaintingCount(JobRecord job) => job.InputNames.Count - 1;
}
