using System.CommandLine;
using NeuralStyle.Cli.Progress;
using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Reports;
using NeuralStyle.Transfer;

namespace NeuralStyle.Cli.Commands;

/// <summary>
/// <c>neural-style stylize CONTENT STYLE… -o OUT.png [options]</c>.
/// Before any work, every input and output is checked by <see cref="OutputPlan"/>: inputs must be
/// regular files, outputs creatable and different from each other and from every input. Outputs are
/// written only at the end (and --save-every's on the way), each to a temporary file renamed into place.
/// </summary>
public static class StylizeCommand
{
    public static Command Create()
    {
        var options = new StylizeOptions();
        var command = new Command("stylize", "Render CONTENT in the style of STYLE (several are blended) and write the result to --output.");
        options.AddTo(command);
        // On a worker thread, so the signal handlers (see Signals) run while a step is under way.
        command.SetAction((parsed, cancellation) => Task.Run(() => Run(options, parsed, cancellation)));
        return command;
    }

    private static int Run(StylizeOptions options, ParseResult parsed, CancellationToken cancellation)
    {
        // Notices (e.g. --model auto's fallback) are printed with the header, after the checks below.
        var notices = new List<string>();
        var settings = options.ToSettings(parsed, notices.Add);
        var output = parsed.GetValue(options.Output)!;
        var sheetPath = parsed.GetValue(options.ContactSheet);
        var plotPath = parsed.GetValue(options.PlotLosses);
        var logPath = parsed.GetValue(options.LogJson);
        var content = parsed.GetValue(options.Content)!;
        var styles = parsed.GetValue(options.Style)!;
        var blend = options.BlendWeights(parsed);

        var checkpoint = parsed.GetValue(options.Checkpoint);
        var checkpointEvery = parsed.GetValue(options.CheckpointEvery);
        if (checkpointEvery is not null && checkpoint is null) throw new NeuralStyleException("--checkpoint-every needs --checkpoint FILE");
        if (checkpointEvery is < 0) throw new NeuralStyleException("--checkpoint-every must be ≥ 0");

        // Fail now, not after minutes of optimisation, and never write over anything the user did not name as an output.
        var contentMaskOption = parsed.GetValue(options.ContentMask);
        var inputs = Inputs(settings, content, styles, contentMaskOption);
        OutputPlan.Check(inputs, Outputs(settings, output, sheetPath, plotPath, logPath, checkpoint));
        // Every image input must also decode (its header: cheap) before the header line says what will run.
        foreach (var image in inputs.Where(i => !NotImages.Contains(i.Role))) ImageLoader.ReadSize(image.Path);

        var history = plotPath is null ? null : new LossHistory();
        using var log = logPath is not null ? new JsonLossLog(logPath) : null;
        // On stdout with the progress lines: on stderr it came before any error found while loading
        // the images or weights, and an error must be the only line there.
        foreach (var notice in notices) Console.WriteLine($"neural-style: {notice}");
        Console.WriteLine($"neural-style: {StylizeOptions.Describe(settings)}");

        var contentMask = ContentMasks.For(contentMaskOption, content, Console.WriteLine);
        var loop = new SessionLoop(output, checkpoint, checkpointEvery ?? SessionLoop.DefaultCheckpointEvery);
        using var result = loop.Run(() => new StyleTransferSession(settings, StyleTransferInputs.FromFiles(content, styles, settings, blend, contentMask)),
            settings.Iterations, cancellation, log, history);
        if (result is null) return Signals.ExitCode;
        if (!result.Cancelled) Console.WriteLine($"wrote {output}");
        if (sheetPath is not null)
        {
            ContactSheet.SaveForRun(sheetPath, content, styles, result.Image);
            Console.WriteLine($"wrote {sheetPath}");
        }
        if (plotPath is not null)
        {
            LossPlot.Save(plotPath, history!.Reports);
            Console.WriteLine($"wrote {plotPath}");
        }
        log?.Keep();
        return loop.Finish(result);
    }

    /// <summary>The roles in <see cref="Inputs"/> that are not images.</summary>
    private static readonly string[] NotImages = ["--weights file", "--model ONNX file"];

    /// <summary>Every file the run reads.</summary>
    private static List<PlannedInput> Inputs(StyleTransferSettings settings, string content, IReadOnlyList<string> styles, string? contentMask)
    {
        var inputs = new List<PlannedInput> { new("content image", content) };
        if (contentMask is not null && !ContentMasks.IsFaces(contentMask)) inputs.Add(new PlannedInput("--content-mask image", contentMask));
        inputs.AddRange(styles.Select(s => new PlannedInput("style image", s)));
        foreach (var pair in settings.MaskPairs)
        {
            inputs.Add(new PlannedInput("--mask-pairs mask", pair.MaskPath));
            inputs.Add(new PlannedInput("--mask-pairs style image", pair.StylePath));
        }
        if (settings.Init.Kind == InitialImageKind.File) inputs.Add(new PlannedInput("--init image", settings.Init.Path!));
        if (settings.WeightsPath is { } weights) inputs.Add(new PlannedInput("--weights file", weights));
        if (settings.Model.Family == ModelFamily.Onnx && settings.Model.OnnxPath is { } onnx) inputs.Add(new PlannedInput("--model ONNX file", onnx));
        return inputs;
    }

    /// <summary>Every file the run may write, as the user named them (and the --save-every images that follow from -o).</summary>
    private static List<PlannedOutput> Outputs(StyleTransferSettings settings, string output, string? sheet, string? plot, string? log, string? checkpoint)
    {
        var outputs = new List<PlannedOutput> { new("-o", output, OutputKind.Image) };
        if (checkpoint is not null) outputs.Add(new PlannedOutput("--checkpoint", checkpoint, OutputKind.Any));
        if (sheet is not null) outputs.Add(new PlannedOutput("--contact-sheet", sheet, OutputKind.Png));
        if (plot is not null) outputs.Add(new PlannedOutput("--plot-losses", plot, OutputKind.Png));
        if (log is not null) outputs.Add(new PlannedOutput("--log-json", log, OutputKind.Any));
        if (settings.SaveEvery > 0)
        {
            var lastScaleSteps = ScalePyramid.Plan(settings)[^1].Iterations;
            outputs.AddRange(StepFiles.ToCheck(output, settings.SaveEvery, lastScaleSteps)
                .Select(step => new PlannedOutput($"--save-every image", step, OutputKind.Image)));
        }
        return outputs;
    }
}
