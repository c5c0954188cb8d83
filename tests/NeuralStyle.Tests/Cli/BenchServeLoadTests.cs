using System.Globalization;
using System.Text.RegularExpressions;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Cli;

/// <summary><c>neural-style-bench serve-load</c> for real, tiny: a served ResNet18 job at 64 px, 2 clients for 2 s.</summary>
public sealed class BenchServeLoadTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly TempFolder _cache = new();

    public void Dispose()
    {
        _temp.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public async Task MeasuresWithoutErrorsAndCleansUp()
    {
        // TMPDIR: the bench's data folder (and the server's scratch files) land here, so what is left can be checked.
        var run = await CliProcess.RunAsync(["serve-load", "--clients", "2", "--seconds", "2", "--quiet-seconds", "2", "--size", "64"],
            new Dictionary<string, string> { ["TMPDIR"] = _temp.Path, ["NEURAL_STYLE_CACHE"] = _cache.Path },
            program: CliProcess.Bench, timeout: TimeSpan.FromMinutes(5));
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);

        foreach (var kind in new[] { "status", "preview" })
        {
            var row = run.Stdout.Split('\n').Single(l => l.StartsWith(kind + " ", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(int.Parse(row[1], CultureInfo.InvariantCulture) >= 10, $"too few {kind} requests: {string.Join(" ", row)}");
            Assert.Equal("0", row[^1]); // errors
            var (p50, max) = (double.Parse(row[3], CultureInfo.InvariantCulture), double.Parse(row[6], CultureInfo.InvariantCulture));
            Assert.True(p50 > 0 && p50 <= max, string.Join(" ", row));
        }
        var rates = Regex.Match(run.Stdout, @"([\d.]+) steps/s alone, ([\d.]+) steps/s under load");
        Assert.True(rates.Success, run.Stdout);
        Assert.True(double.Parse(rates.Groups[1].Value, CultureInfo.InvariantCulture) > 0, run.Stdout);
        Assert.True(double.Parse(rates.Groups[2].Value, CultureInfo.InvariantCulture) > 0, run.Stdout);

        // The server is gone and its data folder removed.
        var url = Regex.Match(run.Stdout, @"server (http://\S+)").Groups[1].Value;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url + "/api/options"));
        Assert.DoesNotContain(_temp.Entries(), e => e.StartsWith("neural-style-serve-load-", StringComparison.Ordinal));
    }
}
