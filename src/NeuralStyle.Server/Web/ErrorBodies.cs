using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NeuralStyle.Server.Web;

/// <summary>
/// Every error the server answers is the documented JSON (<see cref="ApiError"/>), also those no route wrote: unknown
/// routes (404), wrong methods (405), bodies of the wrong type (415), and exceptions (500; 503 when the database cannot
/// be reached, which a client may retry).
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
                    return Write(context, StatusCodes.Status503ServiceUnavailable, "the job database cannot be reached just now; try again in a moment");
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

    /// <summary>Connection failures of PostgreSQL or SQLite (server down, restarting, busy): the request may be tried again.</summary>
    public static bool IsDatabaseDown(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            if (e is Npgsql.NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException
                || e is Npgsql.PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08006" or "08001" or "08003" }
                || e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 or 10 or 14 }) // busy, locked, I/O, cannot open
                return true;
        return false;
    }
}
