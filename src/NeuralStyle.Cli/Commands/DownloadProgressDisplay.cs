using System.Diagnostics;
using System.Globalization;
using NeuralStyle.Models;
using Spectre.Console;

namespace NeuralStyle.Cli.Commands;

/// <summary>
/// Shows download progress: a live Spectre.Console bar (bytes, speed, ETA) when a person is
/// watching a terminal, otherwise plain lines every few seconds so logs and pipes stay readable
/// (a redrawn bar would fill them with escape codes).
/// </summary>
internal static class DownloadProgressDisplay
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static async Task<string> RunAsync(TextWriter output, KnownModel model,
        Func<IProgress<DownloadProgress>, Task<string>> download)
    {
        if (IsInteractiveTerminal(output))
            return await RunWithBarAsync(model, download);
        return await download(PlainLines(output, model));
    }

    // Only the real console can host a live bar; a writer given by a caller (tests, redirection) cannot.
    private static bool IsInteractiveTerminal(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    private static async Task<string> RunWithBarAsync(KnownModel model, Func<IProgress<DownloadProgress>, Task<string>> download)
    {
        string path = "";
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(model.FileName, maxValue: model.ApproximateMegabytes * (double)(1L << 20));
                path = await download(new InlineProgress(p =>
                {
                    if (p.TotalBytes is { } total)
                        task.MaxValue = total;
                    task.Value = p.BytesDone;
                }));
                task.StopTask();
            });
        return path;
    }

    private static IProgress<DownloadProgress> PlainLines(TextWriter output, KnownModel model)
    {
        var sinceLine = Stopwatch.StartNew();
        var started = Stopwatch.StartNew();
        long? firstBytes = null;
        return new InlineProgress(p =>
        {
            firstBytes ??= p.BytesDone; // bytes kept from an earlier attempt do not count towards speed
            var finished = p.TotalBytes is { } t && p.BytesDone >= t;
            if (p.BytesDone != firstBytes && !finished && sinceLine.Elapsed < PlainInterval)
                return;
            sinceLine.Restart();

            var line = $"{model.FileName}: {ByteSize.Format(p.BytesDone)}";
            if (p.TotalBytes is { } total && total > 0)
                line += string.Create(CultureInfo.InvariantCulture, $" of {ByteSize.Format(total)} ({100.0 * p.BytesDone / total:0}%)");
            var seconds = started.Elapsed.TotalSeconds;
            if (seconds > 0.5 && p.BytesDone > firstBytes)
                line += $", {ByteSize.Format((long)((p.BytesDone - firstBytes.Value) / seconds))}/s";
            output.WriteLine(line);
        });
    }

    /// <summary>
    /// Reports on the downloader's thread. <see cref="Progress{T}"/> would post to the thread pool,
    /// where reports can arrive out of order and after the download has finished.
    /// </summary>
    private sealed class InlineProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
