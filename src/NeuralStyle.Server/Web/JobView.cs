using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Server.Web;

/// <summary>A job as the API shows it (JSON): its settings, state, progress and where its images are. <c>Worker</c> is the
/// worker that holds or last held it (machine:process:suffix), for operators of a scaled-out service.</summary>
public sealed record JobView(
    string Id,
    string State,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    JobRequest Request,
    string Summary,
    IReadOnlyList<string> Inputs,
    JobProgress Progress,
    int PreviewVersion,
    int CheckpointStep,
    int Attempts,
    string? Worker,
    string? Error,
    JobLinks Links)
{
    public static JobView From(JobRecord job)
    {
        var api = $"/api/jobs/{job.Id}";
        // A job whose worker stopped renewing it is not being painted: it waits to be resumed, with no ETA to count down.
        var (state, progress) = job.LeaseLapsed ? (JobState.Queued, job.Progress with { EtaSeconds = null }) : (job.State, job.Progress);
        return new JobView(job.Id, state.Name(), job.Created, job.Updated, job.Request, job.Request.Describe(), job.InputNames,
            progress, job.PreviewVersion, job.CheckpointStep, job.Attempts, job.Worker, job.Error,
            new JobLinks(api, job.PreviewVersion > 0 ? $"{api}/preview?v={job.PreviewVersion}" : null,
                job.State == JobState.Done ? $"{api}/result" : null, job.State == JobState.Done ? $"{api}/plot" : null,
                job.State is JobState.Cancelled or JobState.Failed && job.PreviewVersion > 0 ? $"{api}/partial" : null,
                Enumerable.Range(0, job.InputNames.Count).Select(i => $"{api}/inputs/{i}").ToList()));
    }
}

/// <summary>The job's URLs; null where there is nothing yet.</summary>
/// <param name="Partial">A cancelled or failed job's image so far, as a download (JPEG).</param>
public sealed record JobLinks(string Self, string? Preview, string? Result, string? Plot, string? Partial, IReadOnlyList<string> Inputs);

/// <summary>An error as the API returns it: one line for a person.</summary>
public sealed record ApiError(string Error);
