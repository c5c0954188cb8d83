using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Storage;

namespace NeuralStyle.Server.Web;

/// <summary>
/// The HTTP API (described at <c>/openapi/v1.json</c>); the page uses nothing else. Jobs are addressed only by
/// their unguessable ids, images only by fixed names: no route takes a path.
/// </summary>
public static class JobApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("jobs");

        api.MapPost("/jobs", Create)
            .WithSummary("Create a job")
            .WithDescription("multipart/form-data: photo (file) or photoExample or fromJob (an earlier job's images); paintings (files) and/or " +
                             "paintingExamples (comma-separated); preset, model, size, strength, iterations, preserveColor, styleBlend (e.g. 0.7,0.3), seed.")
            .Accepts<CreateJobForm>("multipart/form-data")
            .Produces<JobView>(StatusCodes.Status201Created)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<ApiError>(StatusCodes.Status429TooManyRequests)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        api.MapGet("/jobs", (HttpContext context, IJobStore store) => store.List(ClientIdentity.Owner(context), 100).Select(JobView.From))
            .WithSummary("The caller's jobs, newest first (the gallery)");
        api.MapGet("/jobs/{id}", (string id, IJobStore store, HttpContext context) => Find(id, store, context) is { } job ? Results.Ok(JobView.From(job)) : NotFound())
            .WithSummary("A job's state and progress").Produces<JobView>().Produces<ApiError>(404);
        api.MapGet("/jobs/{id}/preview", (string id, IJobStore store, HttpContext context) => Image(id, Blobs.Preview, "image/jpeg", store, context))
            .WithSummary("The image so far (JPEG, at the scale under way)").Produces(200, contentType: "image/jpeg").Produces<ApiError>(404);
        api.MapGet("/jobs/{id}/partial", (string id, IJobStore store, HttpContext context) =>
                Image(id, Blobs.Preview, "image/jpeg", store, context, $"neural-style-{id}-partial.jpg"))
            .WithSummary("The image so far as a download (JPEG): what a cancelled job got to").Produces(200, contentType: "image/jpeg").Produces<ApiError>(404);
        api.MapGet("/jobs/{id}/result", (string id, IJobStore store, HttpContext context) => Image(id, Blobs.Result, "image/png", store, context, $"neural-style-{id}.png"))
            .WithSummary("The finished image (PNG)").Produces(200, contentType: "image/png").Produces<ApiError>(404);
        api.MapGet("/jobs/{id}/plot", (string id, IJobStore store, HttpContext context) => Image(id, Blobs.Plot, "image/png", store, context))
            .WithSummary("The loss curves of a finished job (PNG)").Produces(200, contentType: "image/png").Produces<ApiError>(404);
        api.MapGet("/jobs/{id}/inputs/{index:int}", (string id, int index, IJobStore store, HttpContext context) =>
                Image(id, Blobs.Input(index), null, store, context))
            .WithSummary("One of the job's images: 0 = the photo, 1… = the paintings").Produces(200).Produces<ApiError>(404);
        api.MapPost("/jobs/{id}/cancel", Cancel)
            .WithSummary("Stop a queued or running job").Produces<JobView>(202).Produces<ApiError>(404);
        api.MapDelete("/jobs/{id}", Delete)
            .WithSummary("Stop a job and remove it with its images").Produces(204).Produces<ApiError>(404);
        api.MapGet("/examples", () => Examples.All.Select(e => new { e.Name, e.Kind, e.Title, Url = $"/api/examples/{e.Name}" }))
            .WithTags("examples").WithSummary("The bundled example photos and paintings");
        api.MapGet("/examples/{name}", (string name) => Examples.Find(name) is { } e
                ? Results.File(Examples.Bytes(e), Examples.ContentType(e))
                : NotFound())
            .WithTags("examples").WithSummary("One example image").Produces(200).Produces<ApiError>(404);
        api.MapGet("/options", (ServiceLimits limits) => new
            {
                Presets = Transfer.Presets.Names, Models = ServerModels.Offered, PreserveColor = JobRequest.ColorModes, Limits = limits,
                Defaults = new JobRequest(),
            })
            .WithTags("service").WithSummary("What a job may ask for, and this server's limits");
    }

    private static async Task<IResult> Create(HttpContext context, IJobStore store, IBackgroundJobClient queue, ServiceLimits limits,
        SubmissionLimiter limiter, DecodeGate decodes)
    {
        var owner = ClientIdentity.Owner(context);
        var address = ClientIdentity.Address(context);
        var result = await CreateChecked(context, store, queue, limits, limiter, decodes, owner, address);
        // Refusals count against the address: a client that keeps sending what is refused is soon refused unread.
        if (result is IStatusCodeHttpResult { StatusCode: >= 400 and < 500 }) limiter.Refused(address);
        return result;
    }

    /// <summary>The checks in the order of their cost: headers, rate, the form's words and numbers and the images' headers,
    /// then decoding (under the server's budget), then the atomic active-job limit in the store.</summary>
    private static async Task<IResult> CreateChecked(HttpContext context, IJobStore store, IBackgroundJobClient queue, ServiceLimits limits,
        SubmissionLimiter limiter, DecodeGate decodes, string owner, string address)
    {
        if (limiter.TrySubmit(owner, address) is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return Results.Json(new ApiError($"too many requests; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s"),
                statusCode: StatusCodes.Status429TooManyRequests);
        }
        if (context.Request.ContentLength > limits.MaxUploadBytes) return TooLarge(limits);
        if (!context.Request.HasFormContentType)
            return Results.Json(new ApiError("send the job as multipart/form-data"), statusCode: StatusCodes.Status415UnsupportedMediaType);

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limits.MaxUploadBytes;
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new FormOptions
            {
                MultipartBodyLengthLimit = limits.MaxUploadBytes, ValueLengthLimit = limits.MaxFieldLength, ValueCountLimit = 64,
                MultipartHeadersCountLimit = 8, KeyLengthLimit = 64,
            }, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limits);
        }
        catch (InvalidDataException e) when (e.Message.Contains("Form value length limit", StringComparison.OrdinalIgnoreCase))
        {
            return BadRequest($"a form field is longer than this server's limit of {limits.MaxFieldLength} characters");
        }
        catch (InvalidDataException e) when (e.Message.Contains("body length limit", StringComparison.OrdinalIgnoreCase))
        {
            return TooLarge(limits);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException && !TransientStoreError.Is(e))
        {
            // Malformed, or cut short (a client that stopped sending): the form cannot be read. Not the server's full disk
            // refusing the buffered upload's temporary file: that is a 503 to retry (ErrorBodies), not the client's fault.
            return BadRequest("the upload is not a well-formed multipart form (cut short or malformed)");
        }

        JobSubmission.Submission submission;
        try
        {
            submission = JobSubmission.Read(form, owner, address, store, limits);
            if (submission.Uploads.Count > 0)
            {
                using var _ = await decodes.EnterAsync(submission.UploadPixels, context.RequestAborted);
                foreach (var (name, bytes) in submission.Uploads) UploadCheck.Decode(bytes, name);
            }
        }
        catch (NeuralStyleException e)
        {
            return BadRequest(UserMessage.OneLine(e.Message));
        }
        catch (ServerBusyException e)
        {
            context.Response.Headers.RetryAfter = "5";
            return Results.Json(new ApiError(e.Message), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var job = submission.Job;
        switch (store.TryCreate(job, submission.Images, limits.MaxActiveJobsPerClient, limits.MaxActiveJobsPerAddress))
        {
            case CreateOutcome.OwnerFull:
                return Results.Json(new ApiError($"you have {limits.MaxActiveJobsPerClient} jobs queued or running; wait for one to finish or cancel one"),
                    statusCode: StatusCodes.Status429TooManyRequests);
            case CreateOutcome.AddressFull:
                return Results.Json(new ApiError($"your network address has {limits.MaxActiveJobsPerAddress} jobs queued or running; wait for one to finish"),
                    statusCode: StatusCodes.Status429TooManyRequests);
        }
        // Stored is enough: a job whose enqueue fails now is queued by a reaper later, so the answer is the same.
        StyleJobRunner.EnqueueNew(store, queue, job.Id, context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(JobApi)));
        return Results.Created($"/api/jobs/{job.Id}", JobView.From(store.Get(job.Id)!));
    }

    private static IResult Cancel(string id, IJobStore store, HttpContext context)
    {
        if (Find(id, store, context) is null) return NotFound();
        store.RequestCancel(id);
        return Results.Accepted($"/api/jobs/{id}", JobView.From(store.Get(id)!));
    }

    private static IResult Delete(string id, IJobStore store, HttpContext context)
    {
        if (Find(id, store, context) is null) return NotFound();
        store.RequestCancel(id); // a running job stops at its next report, finding itself gone
        store.Delete(id);
        return Results.NoContent();
    }

    private static IResult Image(string id, string blob, string? contentType, IJobStore store, HttpContext context, string? download = null)
    {
        // The owner and the blob only: the page polls previews, and the job's row carries its progress JSON (the loss curve).
        if (!JobId.IsWellFormed(id) || store.OwnerOf(id) is not { } owner || !ClientIdentity.Owns(context, owner)
            || store.GetBlob(id, blob) is not { } bytes) return NotFound();
        // Previews change under the same URL; the page asks with ?v=N, so nothing stale may be cached.
        context.Response.Headers.CacheControl = "no-store";
        return Results.File(bytes, contentType ?? Sniff(bytes), download);
    }

    /// <summary>The job, when it exists and is the caller's: another client's job is as absent as one that never was (404),
    /// so an id seen in a log or a shared link gives nothing away.</summary>
    private static JobRecord? Find(string id, IJobStore store, HttpContext context) =>
        JobId.IsWellFormed(id) && store.Get(id) is { } job && ClientIdentity.Owns(context, job.Owner) ? job : null;

    private static string Sniff(byte[] bytes) => bytes is [0x89, 0x50, ..] ? "image/png" : bytes is [0xFF, 0xD8, ..] ? "image/jpeg" : "application/octet-stream";

    private static IResult NotFound() => Results.Json(new ApiError("no such job or image"), statusCode: StatusCodes.Status404NotFound);

    private static IResult BadRequest(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status400BadRequest);

    private static IResult TooLarge(ServiceLimits limits) =>
        Results.Json(new ApiError($"the upload is larger than this server's limit of {limits.MaxUploadBytes / 1e6:0.#} MB"),
            statusCode: StatusCodes.Status413PayloadTooLarge);
}

/// <summary>The form of <c>POST /api/jobs</c>, for the API description.</summary>
public sealed class CreateJobForm
{
    public IFormFile? Photo { get; set; }
    public string? PhotoExample { get; set; }
    public string? FromJob { get; set; }
    public IFormFileCollection? Paintings { get; set; }
    public string? PaintingExamples { get; set; }
    public string? Preset { get; set; }
    public string? Model { get; set; }
    public int? Size { get; set; }
    public double? Strength { get; set; }
    public int? Iterations { get; set; }
    public string? PreserveColor { get; set; }
    public string? StyleBlend { get; set; }
    public long? Seed { get; set; }
}
