using NeuralStyle.Server.Hosting;

namespace NeuralStyle.Tests.Hostile;

/// <summary>
/// Hostile cases of <c>serve</c> (issue 20): a <c>--host</c> that is no IP address nor localhost is refused in one
/// line before anything listens (Kestrel took any other name for every interface). Child processes: a case that
/// regressed would serve until the time bound instead of hanging the test host.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class ServiceCases
{
    public static IEnumerable<HostileCase> All()
    {
        foreach (var host in new[] { "localhots", "999.1.1.1", "not a host!", "127.1", "010.0.0.1", "", "example.com" })
            yield return new($"serve --host '{host}'", ["serve", "--host", host, "--port", "0", "--data", "{w}/data"], Expect: "is not an IP address nor localhost")
            {
                Process = true, Seconds = 30,
            };
    }
}

/// <summary>What <see cref="ListenAddress"/> lets through, and the URL it makes.</summary>
public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", 8080, "http://127.0.0.1:8080", true)]
    [InlineData("localhost", 0, "http://localhost:0", true)]
    [InlineData("0.0.0.0", 80, "http://0.0.0.0:80", false)]
    [InlineData("::1", 8080, "http://[::1]:8080", true)]
    [InlineData("[::]", 8080, "http://[::]:8080", false)]
    [InlineData("192.168.1.20", 1, "http://192.168.1.20:1", false)]
    public void AcceptsAddressLiteralsAndLocalhost(string host, int port, string url, bool loopback)
    {
        Assert.Equal(url, ListenAddress.Url(host, port));
        Assert.Equal(loopback, ListenAddress.IsLoopback(host));
    }

    [Theory]
    [InlineData("localhots")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3")]
    [InlineData("2130706433")]
    [InlineData("::g")]
    [InlineData("my-laptop")]
    public void RefusesEverythingElse(string host) =>
        Assert.Contains("is not an IP address nor localhost", Assert.Throws<NeuralStyleException>(() => ListenAddress.Url(host, 8080)).Message);

    [Fact]
    public void RefusesAPortOutOfRange() => Assert.Throws<NeuralStyleException>(() => ListenAddress.Url("127.0.0.1", 65536));
}
