using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
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
            .Produces<ApiError>(StatusCodes.Status429TooManyRequests)
            .DisableAntiforgery();
        api.MapGet("/jobs", (HttpContext context, IJobStore store) => store.List(ClientIdentity.Owner(context), 100).Select(JobView.From))
            .WithSummary("The caller's jobs, newest first (the gallery)");
        api.MapGet("/jobs/{id}", (string id, IJobStore store) => Find(id, store) is { } job ? Results.Ok(JobView.From(job)) : NotFound())
            .WithSummary("A job's state and progress").Produces<JobView>().Produces<ApiError>(404);
        api.MapGet("/jobs/{id}/preview", (string id, IJobStore store, HttpContext context) => Image(id, Blobs.Preview, "image/jpeg", store, context))
            .WithSummary("The image so far (JPEG, at the scale under way)").Produces(200, contentType: "image/jpeg").Produces<ApiError>(404);
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
                Presets = Transfer.Presets.Names, JobRequest.Models, PreserveColor = JobRequest.ColorModes, Limits = limits,
                Defaults = new JobRequest(),
            })
            .WithTags("service").WithSummary("What a job may ask for, and this server's limits");
    }

    private static async Task<IResult> Create(HttpContext context, IJobStore store, IBackgroundJobClient queue, ServiceLimits limits)
    {
        var owner = ClientIdentity.Owner(context);
        var address = ClientIdentity.Address(context);
        if (context.Request.ContentLength > limits.MaxUploadBytes) return TooLarge(limits);
        if (!context.Request.HasFormContentType) return BadRequest("send the job as multipart/form-data");
        if (store.CountActive(address) >= limits.MaxActiveJobsPerClient)
            return Results.Json(new ApiError($"you have {limits.MaxActiveJobsPerClient} jobs queued or running; wait for one to finish or cancel one"),
                statusCode: StatusCodes.Status429TooManyRequests);

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limits.MaxUploadBytes;
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limits.MaxUploadBytes }, context.RequestAborted);
        }
        catch (Exception e) when (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } or InvalidDataException)
        {
            return e is InvalidDataException && !e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? BadRequest("the upload is not a well-formed multipart form")
                : TooLarge(limits);
        }

        try
        {
            var (job, images) = JobSubmission.Read(form, owner, address, store, limits);
            StyleJobRunner.Submit(store, queue, job, images);
            return Results.Created($"/api/jobs/{job.Id}", JobView.From(store.Get(job.Id)!));
        }
        catch (NeuralStyleException e)
        {
            return BadRequest(UserMessage.OneLine(e.Message));
        }
    }

    private static IResult Cancel(string id, IJobStore store)
    {
        if (Find(id, store) is null) return NotFound();
        store.RequestCancel(id);
        return Results.Accepted($"/api/jobs/{id}", JobView.From(store.Get(id)!));
    }

    private static IResult Delete(string id, IJobStore store)
    {
        if (Find(id, store) is null) return NotFound();
        store.RequestCancel(id); // a running job stops at its next report, finding itself gone
        store.Delete(id);
        return Results.NoContent();
    }

    private static IResult Image(string id, string blob, string? contentType, IJobStore store, HttpContext context, string? download = null)
    {
        // The blob alone: a job's blobs go with it (Delete removes both in one transaction), so reading the job's
        // row first (and its progress JSON, the loss curve) would only cost the page's polling a second query.
        if (!JobId.IsWellFormed(id) || store.GetBlob(id, blob) is not { } bytes) return NotFound();
        // Previews change under the same URL; the page asks with ?v=N, so nothing stale may be cached.
        context.Response.Headers.CacheControl = "no-store";
        return Results.File(bytes, contentType ?? Sniff(bytes), download);
    }

    private static JobRecord? Find(string id, IJobStore store) => JobId.IsWellFormed(id) ? store.Get(id) : null;

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
