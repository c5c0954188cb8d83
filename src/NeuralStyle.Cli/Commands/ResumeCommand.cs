using System.CommandLine;
using System.Globalization;
using NeuralStyle.Imaging;
using NeuralStyle.Transfer;

namespace NeuralStyle.Cli.Commands;

/// <summary>
/// <c>neural-style resume CHECKPOINT [-o OUT]</c>: continues a run from its checkpoint (<c>stylize --checkpoint</c>)
/// and ends with the image the run would have made uninterrupted. The inputs are read again from their paths
/// and must be unchanged (SHA-256); the checkpoint goes on being updated as the run asked.
/// </summary>
public static class ResumeCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("CHECKPOINT") { Description = "A checkpoint written by 'stylize --checkpoint'." };
        var output = new Option<string?>("--output", "-o") { Description = "Output image (default: the run's own -o)." };
        var command = new Command("resume", "Continue a stylize run from its checkpoint.") { file, output };
        command.SetAction((parsed, cancellation) => Task.Run(() => Run(parsed.GetValue(file)!, parsed.GetValue(output), cancellation)));
        return command;
    }

    private static int Run(string checkpoint, string? outputOption, CancellationToken cancellation)
    {
        var info = StyleTransferSession.ReadCheckpointInfo(checkpoint);
        var output = outputOption ?? info.FrontEnd.GetValueOrDefault("output")
            ?? throw new NeuralStyleException($"checkpoint '{checkpoint}' names no output; give one with -o");
        var every = info.FrontEnd.TryGetValue("checkpoint-every", out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var n)
            ? n
            : SessionLoop.DefaultCheckpointEvery;
        var settings = info.Settings;
        var outputs = new List<PlannedOutput> { new("-o", output, OutputKind.Image), new("checkpoint", checkpoint, OutputKind.Any) };
        if (settings.SaveEvery > 0)
            outputs.AddRange(StepFiles.ToCheck(output, settings.SaveEvery, ScalePyramid.Plan(settings)[^1].Iterations)
                .Select(step => new PlannedOutput("--save-every image", step, OutputKind.Image)));
        OutputPlan.Check(info.Inputs.Where(i => i.Path is not null).Select(i => new PlannedInput(i.Role, i.Path!)).ToList(), outputs);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"neural-style: resuming at step {info.StepsCompleted} of {ScalePyramid.Plan(settings).Sum(p => p.Iterations)}: {StylizeOptions.Describe(settings)}"));
        var loop = new SessionLoop(output, checkpoint, every);
        using var result = loop.Run(() => StyleTransferSession.Resume(checkpoint), settings.Iterations, cancellation);
        if (result is null) return Signals.ExitCode;
        if (!result.Cancelled) Console.WriteLine($"wrote {output}");
        return loop.Finish(result);
    }
}
