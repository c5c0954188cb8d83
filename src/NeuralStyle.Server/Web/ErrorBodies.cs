using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NeuralStyle.Server.Storage;

namespace NeuralStyle.Server.Web;

/// <summary>
/// Every error the server answers is the documented JSON (<see cref="ApiError"/>), also those no route wrote: unknown
/// routes (404), wrong methods (405), bodies of the wrong type (415), and exceptions (500; 503 when the database cannot
/// be reached or its disk is full, which a client may retry).
/// </summary>
public static class ErrorBodies
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task Write(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new ApiError(message), Json));
    }

    public static void Use(WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("NeuralStyle.Server");
                if (IsDatabaseDown(error))
                {
                    log.LogWarning("{Method} {Path}: the database cannot be reached ({Reason})", context.Request.Method, context.Request.Path,
                        UserMessage.OneLine(error!.Message));
                    context.Response.Headers.RetryAfter = "5";
                    return Write(context, StatusCodes.Status503ServiceUnavailable, "the job database cannot be reached just now (or its disk is full); try again in a moment");
                }
                if (error is BadHttpRequestException bad)
                    return Write(context, bad.StatusCode, "the request is not well-formed (cut short or malformed)");
                log.LogError(error, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
                return Write(context, StatusCodes.Status500InternalServerError, "internal error; the server's log has the details");
            },
        });
        // Statuses set without a body (no route matched, a method not allowed, an unsupported media type): given the JSON.
        app.UseStatusCodePages(async pages =>
        {
            var context = pages.HttpContext;
            var message = context.Response.StatusCode switch
            {
                404 => "no such route, job or image",
                405 => "this route does not take that method",
                415 => "send the job as multipart/form-data",
                var code => $"request refused ({code})",
            };
            await Write(context, context.Response.StatusCode, message);
        });
    }

    /// <summary>The job store is away for a while, by <see cref="TransientStoreError"/>'s one policy (PostgreSQL down or
    /// restarting, SQLite busy, the disk full or failing): the request may be tried again.</summary>
    public static bool IsDatabaseDown(Exception? error) => error is not null && TransientStoreError.Is(error);
}
