using System.CommandLine;
using NeuralStyle.Cli.Progress;
using NeuralStyle.Imaging;
using NeuralStyle.Reports;
using NeuralStyle.Transfer;

namespace NeuralStyle.Cli.Commands;

/// <summary><c>neural-style stylize CONTENT STYLE… -o OUT.png [options]</c>.</summary>
public static class StylizeCommand
{
    public static Command Create()
    {
        var options = new StylizeOptions();
        var command = new Command("stylize", "Render CONTENT in the style of STYLE (several are blended) and write the result to --output.");
        options.AddTo(command);
        // On a worker thread, so System.CommandLine can watch for Ctrl-C while a run is under way.
        command.SetAction((parsed, cancellation) => Task.Run(() => Run(options, parsed, cancellation)));
        return command;
    }

    private static int Run(StylizeOptions options, ParseResult parsed, CancellationToken cancellation)
    {
        var settings = options.ToSettings(parsed, notice => Console.WriteLine($"neural-style: {notice}"));
        var output = parsed.GetValue(options.Output)!;
        ImageSaver.CheckTarget(output); // fail now, not after minutes of optimisation
        var sheetPath = parsed.GetValue(options.ContactSheet);
        var plotPath = parsed.GetValue(options.PlotLosses);
        if (sheetPath is not null) ContactSheet.CheckTarget("--contact-sheet", sheetPath);
        if (plotPath is not null) ContactSheet.CheckTarget("--plot-losses", plotPath);
        var history = plotPath is null ? null : new LossHistory();
        var content = parsed.GetValue(options.Content)!;
        var styles = parsed.GetValue(options.Style)!;
        var blend = options.BlendWeights(parsed);

        // Ctrl-C/SIGTERM cancel the token (see Program.cs); the run stops after its current step.
        using var notice = cancellation.Register(() =>
            Console.Error.WriteLine("neural-style: stopping after this step, then saving the image so far"));
        using var log = parsed.GetValue(options.LogJson) is { } logPath ? new JsonLossLog(logPath) : null;
        // On stdout with the progress lines: on stderr it came before any error found while loading
        // the images or weights, and an error must be the only line there.
        Console.WriteLine($"neural-style: {StylizeOptions.Describe(settings)}");

        void SaveSnapshot(int step, TorchSharp.torch.Tensor image) => ImageSaver.Save(image, OutputTarget.ForStep(output, step));
        StyleTransferResult Work(IProgress<IterationReport> screen) => StyleTransferJob.Run(content, styles, settings, blend,
            progress: new ProgressFanOut<IterationReport>(screen, log, history), snapshot: SaveSnapshot, cancellation: cancellation);

        using var result = Console.IsOutputRedirected || Console.IsErrorRedirected
            ? Work(new PlainProgress(Console.Out))
            : LiveProgress.Show(settings.Iterations, Work);

        ImageSaver.Save(result.Image, output);
        if (sheetPath is not null) ContactSheet.SaveForRun(sheetPath, content, styles, result.Image);
        if (plotPath is not null) LossPlot.Save(plotPath, history!.Reports);
        if (result.Cancelled)
        {
            Console.Error.WriteLine($"neural-style: interrupted after {result.StepsCompleted} steps; saved the image so far to {output}");
            return CliErrors.Interrupted;
        }
        Console.WriteLine($"wrote {output}");
        return 0;
    }
}
