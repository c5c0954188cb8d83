using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Precision;

/// <summary><c>--precision</c> on stylize and neural-style-bench (and bench's other lists): bad values end in one
/// error line and a non-zero exit.</summary>
public class PrecisionCliTests
{
    public static TheoryData<string, string[], string> BadValues => new()
    {
        { CliProcess.Cli, ["stylize", "a.jpg", "b.jpg", "-o", "out.png", "--model", "resnet18", "--precision", "half"], "--precision must be auto, fp32 or bf16, not 'half'" },
        { CliProcess.Bench, ["--precision", "fp32,fp16"], "--precision: 'fp16' is not one of fp32, bf16, auto" },
        { CliProcess.Bench, ["--model", "resnet18,vgg11"], "--model: 'vgg11' is not one of vgg19, vgg16, resnet18" },
        { CliProcess.Bench, ["--optimizer", "adma"], "--optimizer must be lbfgs or adam, not 'adma'" },
        { CliProcess.Cli, ["bench", "--sizes", "32"], "bench is not part of the neural-style tool; from a clone run it as neural-style-bench: dotnet run -c Release --project bench/NeuralStyle.Bench -- [bench options]" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task RejectsWithOneLine(string program, string[] args, string expected)
    {
        var run = await CliProcess.RunAsync(args, program: program);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal([$"neural-style: error: {expected}"], run.StderrLines);
    }

    [Fact]
    public async Task BenchRunsBothPrecisionsOnResNet18()
    {
        var run = await CliProcess.RunAsync(["--model", "resnet18", "--precision", "fp32,bf16", "--sizes", "32",
            "--threads", "1", "--iterations", "2", "--warmup", "0"], program: CliProcess.Bench);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var rows = run.Stdout.Split('\n').Where(l => l.StartsWith("resnet18", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains(" fp32 ", rows[0]);
        Assert.Contains(" bf16 ", rows[1]);
    }
}
