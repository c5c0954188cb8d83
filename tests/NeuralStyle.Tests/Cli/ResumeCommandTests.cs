using NeuralStyle.Tests.Support;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Cli;

/// <summary><c>stylize --checkpoint</c> and <c>resume</c> as a user runs them: a real child process killed with
/// SIGKILL after a checkpoint, or stopped with SIGTERM, then resumed, ends with the bytes of an uninterrupted run.</summary>
public sealed class ResumeCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    // Two scales (a scale change after the kill), one thread, a fixed seed.
    private string[] Run(string output, params string[] extra) =>
        ["stylize", Photo, Starry, "-o", _dir.File(output), "--model", "resnet18", "--size", "128", "--scale-iterations", "8,8",
         "--threads", "1", "--seed", "3", "--init", "noise-blend:0.2", .. extra];

    private static async Task WaitFor(string path)
    {
        while (!File.Exists(path)) await Task.Delay(20);
    }

    [Theory]
    [InlineData("lbfgs", 9)]   // SIGKILL: what counts is the last checkpoint
    [InlineData("adam", 15)]   // SIGTERM: the checkpoint is written on the way out
    public async Task AKilledOrStoppedRunResumesToTheSameBytes(string optimizer, int signal)
    {
        var full = await CliProcess.RunAsync(Run("full.png", "--optimizer", optimizer));
        Assert.Equal(0, full.ExitCode);

        var checkpoint = _dir.File("run.ckpt");
        var first = await CliProcess.RunAsync(Run("part.png", "--optimizer", optimizer, "--checkpoint", checkpoint, "--checkpoint-every", "3"),
            whileRunning: async process =>
            {
                await WaitFor(checkpoint);
                CliProcess.Signal(process, signal);
            });
        Assert.Equal(128 + signal, first.ExitCode);
        if (signal == CliProcess.Sigterm) Assert.Contains($"continue with 'neural-style resume {checkpoint}'", first.Stderr);

        var resumed = await CliProcess.RunAsync(["resume", checkpoint]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("resuming at step", resumed.Stdout);
        Assert.Equal(File.ReadAllBytes(_dir.File("full.png")), File.ReadAllBytes(_dir.File("part.png")));
    }

    [Fact]
    public async Task TheCheckpointIsAnOutputLikeAnyOther()
    {
        var run = await CliProcess.RunAsync(Run("out.png", "--checkpoint", Starry));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--checkpoint", run.StderrLines.Single());
        Assert.Contains(Starry, run.StderrLines.Single());
        run = await CliProcess.RunAsync(Run("out.png", "--checkpoint", _dir.File("out.png")));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--checkpoint", run.StderrLines.Single());
    }

    [Fact]
    public async Task ABadCheckpointIsOneLine()
    {
        var path = _dir.File("bad.ckpt");
        await File.WriteAllTextAsync(path, "NEURALSTYLE-CHECKPOINT\n" + new string('x', 100));
        var run = await CliProcess.RunAsync(["resume", path]);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"neural-style: error: checkpoint '{path}' has format version", run.StderrLines.Single());
    }
}
