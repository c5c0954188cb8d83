using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace NeuralStyle.Server.Web;

/// <summary>
/// Who is asking. The gallery is the owner's: the page keeps a random key in the browser and sends it as
/// <c>X-Client-Key</c> (an API client may do the same); without one, the network address owns the job.
/// Limits count network addresses, which a client cannot change at will.
/// </summary>
public static partial class ClientIdentity
{
    public const string Header = "X-Client-Key";

    public static string Owner(HttpContext context) =>
        context.Request.Headers[Header].ToString() is var key && KeyForm().IsMatch(key) ? $"key:{key}" : $"ip:{Address(context)}";

    public static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    [GeneratedRegex("^[A-Za-z0-9_-]{16,64}$")]
    private static partial Regex KeyForm();
}
