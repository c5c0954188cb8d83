using System.CommandLine;
using NeuralStyle.Batch;
using NeuralStyle.Cli.Progress;
using NeuralStyle.Imaging;
using NeuralStyle.Server.Batch;

namespace NeuralStyle.Cli.Commands;

/// <summary>
/// <c>neural-style batch PHOTO|DIR… --styles PAINTING|DIR… -o OUTDIR [stylize options]</c>: every photo × every
/// painting (or the pairs of <c>--pairs CSV</c>) into OUTDIR as PHOTO__PAINTING.png. A result already there is
/// skipped (an interrupted batch resumes), a failed item is reported and the rest go on; at the end a summary,
/// OUTDIR/index.html and OUTDIR/contact_sheet.png. With <c>--database</c> the items are jobs of the job service's
/// workers instead, and the command follows them.
/// </summary>
public static class BatchCommand
{
    public static Command Create()
    {
        var options = new StylizeOptions();
        var photos = new Argument<string[]>("PHOTO") { Description = "Photos, or folders of them.", Arity = ArgumentArity.ZeroOrMore };
        var styles = new Option<string[]>("--styles") { Description = "Paintings, or folders of them: each photo is made in each.", AllowMultipleArgumentsPerToken = true };
        var pairs = new Option<string?>("--pairs") { Description = "A CSV file of photo,painting pairs (instead of every photo × every painting)." };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the results (made if missing).", Required = true };
        var database = new Option<string?>("--database") { Description = "Run the items as jobs on the workers of a job service (postgres://…) and follow them." };
        var command = new Command("batch", "Stylize many photos with many paintings: resumable, one failure does not stop the rest, an index page and a contact sheet at the end.");
        command.Arguments.Add(photos);
        foreach (var option in new Option[] { styles, pairs, output, database }) command.Options.Add(option);
        options.AddLookTo(command);
        command.SetAction((parsed, cancellation) => Task.Run(() =>
        {
            var folder = BatchFolder.Open(parsed.GetValue(output)!);
            var outputFolder = folder.Path;
            var items = Plan(parsed.GetValue(photos) ?? [], parsed.GetValue(styles) ?? [], parsed.GetValue(pairs), folder);
            folder.Prepare(items);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, Signals.Token);
            Signals.StopNotice = "stopping after the picture under way; finished pictures are kept, run the same command again to go on";
            Signals.Graceful = true;

            IReadOnlyList<BatchOutcome> outcomes;
            if (parsed.GetValue(database) is { } db)
                outcomes = BatchOnService.Run(db, ServiceRequest(options, parsed), items, folder, Console.Out, stop.Token);
            else
            {
                var notices = new List<string>();
                var settings = options.ToSettings(parsed, notices.Add);
                foreach (var notice in notices) Console.WriteLine($"neural-style: {notice}");
                Console.WriteLine($"neural-style: batch of {items.Count} into {outputFolder}: {StylizeOptions.Describe(settings)}");
                outcomes = BatchProgress.Show(items, progress =>
                    new BatchRunner(settings, folder) { ItemStarted = progress.Started, Step = progress.Step, ItemFinished = progress.Finished }
                        .Run(items, stop.Token));
            }
            BatchReport.Write(folder, items, outcomes);
            return Summarize(items, outcomes, outputFolder, stop.Token.IsCancellationRequested);
        }));
        return command;
    }

    private static IReadOnlyList<BatchItem> Plan(string[] photos, string[] styles, string? pairs, BatchFolder outputFolder)
    {
        if (pairs is not null)
        {
            if (photos.Length > 0 || styles.Length > 0) throw new NeuralStyleException("give either --pairs CSV or PHOTO… --styles PAINTING…, not both");
            return BatchPlan.FromCsv(pairs, outputFolder);
        }
        if (photos.Length == 0) throw new NeuralStyleException("give at least one PHOTO (file or folder), or --pairs CSV");
        if (styles.Length == 0) throw new NeuralStyleException("give at least one painting with --styles PAINTING|DIR…");
        return BatchPlan.Cross(photos, styles, outputFolder);
    }

    /// <summary>With --database the job service runs the items; it takes the settings its API takes.</summary>
    private static Server.Jobs.JobRequest ServiceRequest(StylizeOptions options, ParseResult parsed)
    {
        var allowed = new Option[] { options.Preset, options.Model, options.Size, options.Iterations, options.PreserveColor, options.Seed };
        foreach (var option in options.LookOptions.Except(allowed))
            if (parsed.GetResult(option) is { Implicit: false })
                throw new NeuralStyleException($"{option.Name} is not available with --database (the job service takes --preset, --model, --size, --iterations, --preserve-color and --seed)");
        var defaults = new Server.Jobs.JobRequest();
        return defaults with
        {
            Preset = parsed.GetValue(options.Preset) ?? defaults.Preset,
            Model = parsed.GetValue(options.Model) ?? defaults.Model,
            Size = parsed.GetValue(options.Size) ?? defaults.Size,
            Iterations = parsed.GetValue(options.Iterations),
            PreserveColor = parsed.GetValue(options.PreserveColor) ?? defaults.PreserveColor,
            Seed = parsed.GetValue(options.Seed) ?? defaults.Seed,
        };
    }

    private static int Summarize(IReadOnlyList<BatchItem> items, IReadOnlyList<BatchOutcome> outcomes, string folder, bool interrupted)
    {
        int Count(BatchItemState s) => outcomes.Count(o => o.State == s);
        foreach (var failed in outcomes.Where(o => o.State == BatchItemState.Failed))
            Console.Error.WriteLine(UserMessage.OneLine($"neural-style: failed: {failed.Item.Describe()}: {failed.Error}"));
        var notRun = items.Count - outcomes.Count;
        Console.WriteLine($"neural-style: batch: {Count(BatchItemState.Done)} done, {Count(BatchItemState.Skipped)} skipped (already there), " +
                          $"{Count(BatchItemState.Failed)} failed{(notRun > 0 ? $", {notRun} not run (interrupted)" : "")}; " +
                          $"see {Path.Combine(folder, BatchFolder.IndexName)}");
        if (interrupted) return Signals.ExitCode;
        return Count(BatchItemState.Failed) > 0 ? 1 : 0;
    }
}
