using System.Globalization;
using NeuralStyle.Cli.Progress;
using NeuralStyle.Imaging;
using NeuralStyle.Transfer;

namespace NeuralStyle.Cli.Commands;

/// <summary>
/// How <c>stylize</c> and <c>resume</c> run a session: step, report, save the <c>--save-every</c> images and
/// the checkpoint every <c>--checkpoint-every</c> steps; on a signal (see <see cref="Signals"/>) stop after the
/// step under way, write the checkpoint and save the image so far.
/// </summary>
internal sealed class SessionLoop(string output, string? checkpoint, int checkpointEvery)
{
    public const int DefaultCheckpointEvery = 20;

    private int _stepsHere;
    private bool _checkpointWritten;

    /// <summary>What the checkpoint stores for <c>resume</c>: where the image goes and how often to checkpoint.</summary>
    private Dictionary<string, string> FrontEnd() => new()
    {
        ["output"] = Path.GetFullPath(output),
        ["checkpoint-every"] = checkpointEvery.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Runs the session <paramref name="create"/> makes to the end or to a signal and saves the image to the
    /// output; null when interrupted before its first step (then nothing is written).</summary>
    public StyleTransferResult? Run(Func<StyleTransferSession> create, int totalSteps, CancellationToken cancellation,
        params IProgress<IterationReport>?[] listeners)
    {
        // A signal before the first step ends the process at once (nothing to save); after it, the run
        // stops after its current step and saves the image so far (see Signals).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, Signals.Token);
        var firstStep = new FirstStep(() =>
        {
            Signals.StopNotice = checkpoint is null
                ? "stopping after this step, then saving the image so far"
                : "stopping after this step, then saving the checkpoint and the image so far";
            Signals.Graceful = true;
        });

        StyleTransferResult Work(IProgress<IterationReport> screen)
        {
            using var session = create();
            // Say how a scale fits memory when it is not the plain way (tiles, or a shortened L-BFGS history).
            for (var k = 0; k < session.MemoryPlans.Count; k++)
                if (session.MemoryPlans[k] is { } plan && (plan.Tiled || plan.HistoryReduced) && k >= session.ScaleIndex)
                    Console.WriteLine($"neural-style: memory: {plan.Describe()}");
            var progress = new ProgressFanOut<IterationReport>([firstStep, screen, .. listeners]);
            var saveEvery = session.Settings.SaveEvery;
            var lastScaleSteps = session.Plan[^1].Iterations;
            while (!stop.Token.IsCancellationRequested && session.Step() is { } report)
            {
                _stepsHere++;
                progress.Report(report);
                // --save-every: intermediate images of the finest scale (the last step's is the output itself).
                if (saveEvery > 0 && report.Scale == report.Scales - 1 && report.ScaleStep % saveEvery == 0 && report.ScaleStep < lastScaleSteps)
                {
                    using var image = session.CurrentImage();
                    ImageSaver.Save(image, OutputTarget.ForStep(output, report.ScaleStep));
                }
                if (checkpoint is not null && checkpointEvery > 0 && report.Step % checkpointEvery == 0 && !session.IsFinished)
                    session.SaveCheckpoint(checkpoint, FrontEnd());
            }
            if (checkpoint is not null && !session.IsFinished && _stepsHere > 0)
            {
                session.SaveCheckpoint(checkpoint, FrontEnd());
                _checkpointWritten = true;
            }
            return session.Result();
        }

        var result = Console.IsOutputRedirected || Console.IsErrorRedirected
            ? Work(new PlainProgress(Console.Out))
            : LiveProgress.Show(totalSteps, Work);
        if (result.Cancelled && _stepsHere == 0)
        {
            // Nothing was made: the start image must not replace an earlier result.
            result.Dispose();
            Console.Error.WriteLine("neural-style: interrupted before the first step; nothing was written");
            return null;
        }
        ImageSaver.Save(result.Image, output);
        return result;
    }

    /// <summary>The exit code, and the last line when interrupted ("wrote …" is the caller's, before its other outputs).</summary>
    public int Finish(StyleTransferResult result)
    {
        if (result.Cancelled)
        {
            var resume = _checkpointWritten ? $"; continue with 'neural-style resume {checkpoint}'" : "";
            Console.Error.WriteLine($"neural-style: interrupted after {result.StepsCompleted} steps; saved the image so far to {output}{resume}");
            return Signals.ExitCode;
        }
        return 0;
    }

    private sealed class FirstStep(Action first) : IProgress<IterationReport>
    {
        private bool _seen;

        public void Report(IterationReport value)
        {
            if (_seen) return;
            _seen = true;
            first();
        }
    }
}
