using NeuralStyle.Server.Hosting;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Tests.Support;
using Npgsql;

namespace NeuralStyle.Tests.Server;

/// <summary>The small pieces of the job service that need no server.</summary>
public class ServiceUnitTests
{
    [Theory]
    [InlineData("postgres://ns:s3cret@db.example:6543/jobs", "db.example", 6543, "ns", "s3cret", "jobs")]
    [InlineData("postgresql://postgres@127.0.0.1/neural", "127.0.0.1", 5432, "postgres", null, "neural")]
    [InlineData("postgres://u:p%40ss@h:1/", "h", 1, "u", "p@ss", "postgres")]
    [InlineData("Host=h;Port=7;Username=u;Database=d", "h", 7, "u", null, "d")]
    public void DatabaseUrlsBecomeConnectionStrings(string url, string host, int port, string user, string? password, string database)
    {
        var built = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(url));
        Assert.Equal((host, port, user, password, database), (built.Host, built.Port, built.Username, built.Password, built.Database));
    }

    [Fact]
    public void ABadDatabaseUrlIsOneLineWithoutThePassword()
    {
        var error = Assert.Throws<NeuralStyleException>(() => DatabaseUrl.ToConnectionString("postgres://u:hunter2@/x"));
        Assert.DoesNotContain("hunter2", error.Message);
        Assert.Equal("postgres://u:***@/x", DatabaseUrl.Redacted("postgres://u:hunter2@/x"));
        Assert.Throws<NeuralStyleException>(() => DatabaseUrl.ToConnectionString("nonsense=;;=="));
    }

    [Theory]
    [InlineData(100, new[] { 300, 200, 100, 40 }, new[] { 46, 31, 15, 8 })]
    [InlineData(3, new[] { 300, 200, 100, 40 }, new[] { 1, 0, 0, 2 })]
    public void AskedForStepsAreSpreadOverThePresetsScales(int total, int[] schedule, int[] expected)
    {
        var spread = JobRequest.Spread(total, schedule);
        Assert.Equal(expected, spread);
        Assert.Equal(total, spread.Sum());
    }

    [Fact]
    public void ARequestResolvesThroughTheOneSettingsResolver()
    {
        var request = new JobRequest { Model = "resnet18", Size = 200, Strength = 2, Iterations = 50, PreserveColor = "luminance" };
        var settings = request.Resolve(1, new ServiceLimits());
        var preset = NeuralStyle.Transfer.Presets.ForModel(NeuralStyle.Transfer.Presets.Gatys, "gatys", NeuralStyle.Networks.ModelSpec.ResNet18);
        Assert.Equal(200, settings.Size);
        Assert.Equal(2 * preset.StyleWeight, settings.StyleWeight, 9);
        Assert.Equal(NeuralStyle.Transfer.ColorPreservation.Luminance, settings.PreserveColor);
        Assert.Equal(50, settings.ScaleIterations?.Sum() ?? settings.Iterations);
    }

    [Theory]
    [InlineData(new[] { "worker" }, "--database")]
    [InlineData(new[] { "worker", "--database", "postgres://u@127.0.0.1:1/x", "--jobs", "0" }, "--jobs must be between 1 and 64")]
    [InlineData(new[] { "serve", "--port", "70000", "--data", "DATA" }, "--port must be between 0 and 65535")]
    [InlineData(new[] { "worker", "--database", "postgres://u:pw@127.0.0.1:1/x" }, "cannot reach the database postgres://u:***@127.0.0.1:1/x")]
    public async Task BadServiceCommandLinesAreOneLine(string[] args, string message)
    {
        using var folder = new TempFolder();
        var run = await CliProcess.RunAsync(args.Select(a => a == "DATA" ? folder.Path : a), timeout: TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, run.ExitCode);
        var error = run.Stderr.Trim();
        Assert.Contains(message, error);
        Assert.DoesNotContain("\n", error);
        Assert.DoesNotContain("pw@", run.Stdout + run.Stderr);
    }
}
