using NeuralStyle.Onnx;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Cli;

/// <summary><c>neural-style models inspect</c> on the bundled ResNet18, as a child process.</summary>
public class ModelsInspectTests
{
    [Fact]
    public async Task ListsStageTensorsWithShapesAtTheGivenSize()
    {
        var run = await CliProcess.RunAsync(["models", "inspect", ResNet18Network.BundledPath, "--size", "128"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var layer2 = Assert.Single(run.Stdout.Split('\n'), l => l.StartsWith("ReLU315_Output_0 "));
        Assert.EndsWith("[1, 128, 16, 16]", layer2.TrimEnd());
        Assert.Contains("shape at 128×128", run.Stdout);
    }

    [Fact]
    public async Task MissingFileIsOneLine()
    {
        var run = await CliProcess.RunAsync(["models", "inspect", "/no/such/model.onnx"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not exist", Assert.Single(run.StderrLines));
    }
}
