using System.Diagnostics;
using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Batch;

/// <summary>
/// Runs a batch on this machine, one picture after another with one loss network loaded once: an output that
/// its folder already holds (<see cref="BatchFolder.IsMade"/>) is skipped (so an interrupted batch resumes), a failure is recorded and the rest go on.
/// </summary>
public sealed class BatchRunner(StyleTransferSettings settings, BatchFolder folder)
{
    /// <summary>Called with an item's index before it is made, at each of its steps, and when it is done, skipped or failed.</summary>
    public Action<int, BatchItem>? ItemStarted { get; init; }
    public Action<int, IterationReport>? Step { get; init; }
    public Action<int, BatchOutcome>? ItemFinished { get; init; }

    public IReadOnlyList<BatchOutcome> Run(IReadOnlyList<BatchItem> items, CancellationToken cancellation = default)
    {
        var outcomes = new List<BatchOutcome>();
        IFeatureNetwork? network = null;
        try
        {
            for (var i = 0; i < items.Count && !cancellation.IsCancellationRequested; i++)
            {
                var item = items[i];
                BatchOutcome outcome;
                if (folder.IsMade(item)) outcome = new BatchOutcome(item, BatchItemState.Skipped);
                else
                {
                    ItemStarted?.Invoke(i, item);
                    network ??= FeatureNetworks.Create(settings.Model, settings.WeightsPath, settings.UsedLayers, settings.Pooling, settings.Precision);
                    if (RunOne(i, item, network, cancellation) is not { } made) break; // interrupted mid-item: nothing written for it
                    outcome = made;
                }
                outcomes.Add(outcome);
                ItemFinished?.Invoke(i, outcome);
            }
        }
        finally
        {
            network?.Dispose();
        }
        return outcomes;
    }

    private BatchOutcome? RunOne(int index, BatchItem item, IFeatureNetwork network, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var progress = new Progress(r => Step?.Invoke(index, r));
            using var result = StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(item.Photo, [item.Painting], settings),
                progress, cancellation, network);
            if (result.Cancelled) return null;
            folder.Write(item.Output, path => ImageSaver.Save(result.Image, path));
            return new BatchOutcome(item, BatchItemState.Done, Seconds: clock.Elapsed.TotalSeconds);
        }
        catch (NeuralStyleException e)
        {
            return new BatchOutcome(item, BatchItemState.Failed, UserMessage.OneLine(e.Message), clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>Synchronous progress (System.Progress would post to the thread pool, out of order).</summary>
    private sealed class Progress(Action<IterationReport> report) : IProgress<IterationReport>
    {
        public void Report(IterationReport value) => report(value);
    }
}
