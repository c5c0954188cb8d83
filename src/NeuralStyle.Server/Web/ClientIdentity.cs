using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace NeuralStyle.Server.Web;

/// <summary>
/// Who is asking. Every job belongs to a client key: the page keeps a random one in the browser and sends it both as
/// <c>X-Client-Key</c> and as the <c>ns-client</c> cookie (images load through &lt;img&gt;, which sends no headers); an
/// API client may send either. A client that sends neither is given a new key of its own (the cookie and the
/// <c>X-Client-Key</c> response header): keyless clients never share one identity per network address (all of them,
/// behind a reverse proxy). Limits also count network addresses, which a client cannot change at will.
/// </summary>
public static partial class ClientIdentity
{
    public const string Header = "X-Client-Key";
    public const string Cookie = "ns-client";
    private const string ItemKey = "neural-style.owner";

    /// <summary>The caller's owner name (<c>key:…</c>); issues a key to a caller without one.</summary>
    public static string Owner(HttpContext context)
    {
        if (context.Items[ItemKey] is string known) return known;
        var key = Valid(context.Request.Headers[Header].ToString()) ?? Valid(context.Request.Cookies[Cookie]);
        if (key is null)
        {
            key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            context.Response.Headers[Header] = key;
            context.Response.Cookies.Append(Cookie, key, new CookieOptions
            {
                // Strict: a page of another site never sends it; Path=/ so images and the API both carry it.
                SameSite = SameSiteMode.Strict, HttpOnly = false, Path = "/", MaxAge = TimeSpan.FromDays(3650), IsEssential = true,
            });
        }
        var owner = $"key:{key}";
        context.Items[ItemKey] = owner;
        return owner;
    }

    /// <summary>Whether <paramref name="owner"/> (a job's) is the caller; without a key of its own the caller owns nothing yet.</summary>
    public static bool Owns(HttpContext context, string owner) => Owner(context) == owner;

    public static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static string? Valid(string? key) => key is not null && KeyForm().IsMatch(key) ? key : null;

    [GeneratedRegex("^[A-Za-z0-9_-]{16,64}$")]
    private static partial Regex KeyForm();
}
