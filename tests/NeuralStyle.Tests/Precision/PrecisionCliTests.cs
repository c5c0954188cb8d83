using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Precision;

/// <summary><c>--precision</c> on stylize and bench: bad values end in one error line and a non-zero exit.</summary>
public class PrecisionCliTests
{
    public static TheoryData<string[], string> BadValues => new()
    {
        { ["stylize", "a.jpg", "b.jpg", "-o", "out.png", "--model", "resnet18", "--precision", "half"], "--precision must be auto, fp32 or bf16, not 'half'" },
        { ["bench", "--precision", "fp32,fp16"], "--precision: 'fp16' is not one of fp32, bf16, auto" },
        { ["bench", "--model", "resnet18,vgg11"], "--model: 'vgg11' is not one of vgg19, vgg16, resnet18" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task RejectsWithOneLine(string[] args, string expected)
    {
        var run = await CliProcess.RunAsync(args);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal([$"neural-style: error: {expected}"], run.StderrLines);
    }

    [Fact]
    public async Task BenchRunsBothPrecisionsOnResNet18()
    {
        var run = await CliProcess.RunAsync(["bench", "--model", "resnet18", "--precision", "fp32,bf16", "--sizes", "32",
            "--threads", "1", "--iterations", "2", "--warmup", "0"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var rows = run.Stdout.Split('\n').Where(l => l.StartsWith("resnet18", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains(" fp32 ", rows[0]);
        Assert.Contains(" bf16 ", rows[1]);
    }
}
