using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace NeuralStyle.Server.Hosting;

/// <summary>
/// The one place that decides what <c>serve --host</c> accepts: an IP address literal (IPv4 as four dotted decimal
/// numbers, IPv6 with or without brackets) or <c>localhost</c>. Nothing else, because Kestrel treats every other
/// host name (a typo such as <c>localhots</c>, or <c>not a host!</c>) as "every interface": the server would be
/// reachable from the network when the user meant this machine. A machine's own name is not resolved either: which
/// of its addresses it resolves to is up to the resolver, so an operator who means an interface names its address.
/// Shorthand IPv4 forms that the system parser takes (<c>127.1</c>, <c>2130706433</c>) are refused for the same
/// reason: what they mean is not what they look like.
/// </summary>
public static partial class ListenAddress
{
    /// <summary>The URL to listen on for <paramref name="host"/> and <paramref name="port"/>, or a one-line error.</summary>
    public static string Url(string host, int port)
    {
        if (port is < 0 or > 65535) throw new NeuralStyleException("--port must be between 0 and 65535");
        var authority = Authority(host);
        return string.Create(CultureInfo.InvariantCulture, $"http://{authority}:{port}");
    }

    /// <summary>True when <paramref name="host"/> (accepted by <see cref="Url"/>) is reachable only from this machine.</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);

    private static string Authority(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return "localhost";
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (bare.Contains(':') && IPAddress.TryParse(bare, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            && v6.ScopeId == 0)
            return $"[{v6}]";
        // Four decimal numbers 0–255 without leading zeros (the system parser reads 010 as octal 8).
        if (DottedQuad().IsMatch(host) && host.Split('.').All(n => (n == "0" || n[0] != '0') && int.Parse(n, CultureInfo.InvariantCulture) <= 255))
            return host;
        throw new NeuralStyleException(
            $"--host '{UserMessage.Excerpt(host, 80)}' is not an IP address nor localhost; give 127.0.0.1 (this machine), an address " +
            "of one of its interfaces, or 0.0.0.0 / :: for every network (a host name would make the server listen on every interface)");
    }

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$")]
    private static partial Regex DottedQuad();
}
