using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace NeuralStyle.Server.Web;

/// <summary>
/// What keeps other web sites out of a <c>serve</c> on a user's machine, applied to every request before any route:
/// <list type="bullet">
/// <item>the Host header must name this server (loopback names, the address it listens on, or <c>--allowed-hosts</c>):
/// a rebound DNS name (evil.example → 127.0.0.1) reaches nothing;</item>
/// <item>a request that changes something (POST, PUT, PATCH, DELETE) from a browser must come from the page's own origin
/// (<c>Sec-Fetch-Site</c> and <c>Origin</c>): another site's form post or no-cors fetch creates no job. Other origins on
/// the same machine are other sites too (same-site ≠ same-origin). Clients that send neither header (curl, scripts) are
/// no browser and carry no one else's cookies;</item>
/// <item>security headers: the page runs only its own script, cannot be framed, sends no referrer, and no response is
/// sniffed into another type.</item>
/// </list>
/// </summary>
public sealed class BrowserSafety(IReadOnlyCollection<string> allowedHosts)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The host names a server listening on <paramref name="listenHost"/> answers to, besides <paramref name="extra"/>
    /// ("*" = any): loopback names always, and the listening address unless it is every address (0.0.0.0, ::).</summary>
    public static IReadOnlyCollection<string> AllowedHosts(string listenHost, IEnumerable<string> extra)
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", "127.0.0.1", "[::1]", "::1" };
        var bare = listenHost.Trim('[', ']');
        if (!(IPAddress.TryParse(bare, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))) && bare != "*" && bare != "+")
            hosts.Add(listenHost);
        foreach (var host in extra) hosts.Add(host.Trim());
        return hosts;
    }

    public async Task Invoke(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";

        var request = context.Request;
        if (!HostAllowed(request.Host))
        {
            await ErrorBodies.Write(context, StatusCodes.Status400BadRequest,
                $"this server does not answer to the host name '{Printable(request.Host.Host)}' (start it with --allowed-hosts to add one)");
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method) && CrossSite(request))
        {
            await ErrorBodies.Write(context, StatusCodes.Status403Forbidden, "requests from other web sites are not accepted; use this server's own page");
            return;
        }
        await next(context);
    }

    private bool HostAllowed(HostString host) =>
        allowedHosts.Contains("*") || (host.HasValue && allowedHosts.Contains(host.Host));

    private static bool CrossSite(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none")) return true;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return false;
        // Host and port, not the scheme: behind a TLS-terminating proxy the page is https and this server sees http.
        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static string Printable(string text) => new(text.Where(c => !char.IsControl(c)).Take(100).ToArray());

    public static void Use(IApplicationBuilder app, IReadOnlyCollection<string> allowedHosts)
    {
        var safety = new BrowserSafety(allowedHosts);
        app.Use((context, next) => safety.Invoke(context, next));
    }
}
