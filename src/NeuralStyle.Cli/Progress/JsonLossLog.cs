using System.Text.Json;
using NeuralStyle.Imaging;
using NeuralStyle.Transfer;

namespace NeuralStyle.Cli.Progress;

/// <summary>
/// <c>--log-json FILE</c>: one JSON object per step with the weighted loss terms and elapsed seconds.
/// Like every output it is written to a temporary file beside FILE (flushed per step, so a long run
/// can be followed with <c>tail -f .neural-style-*.tmp</c>) and renamed over FILE only at the end:
/// <see cref="Keep"/> after a run that made at least one step. A run that fails, or stops before its
/// first step, leaves FILE exactly as it was (or absent), and no temporary behind.
/// </summary>
internal sealed class JsonLossLog : IProgress<IterationReport>, IDisposable
{
    private readonly PendingFile _file;
    private readonly StreamWriter _writer;
    private bool _wroteAny;

    public JsonLossLog(string path)
    {
        try
        {
            _file = AtomicFile.Begin(path);
        }
        catch (NeuralStyleException e)
        {
            throw new NeuralStyleException($"cannot write --log-json file '{path}': {e.Message}");
        }
        _writer = new StreamWriter(_file.Stream, leaveOpen: true) { AutoFlush = true };
    }

    public void Report(IterationReport report)
    {
        _wroteAny = true;
        var terms = report.Terms;
        var line = JsonSerializer.Serialize(new
        {
            step = report.Step,
            content = terms.Content,
            style = terms.Style,
            tv = terms.Tv,
            total = terms.Total,
            seconds = Math.Round(report.Seconds, 4),
        });
        try
        {
            _writer.WriteLine(line);
        }
        catch (IOException e)
        {
            throw _file.Failed(e); // a full disk mid-run: one line naming FILE; Dispose removes the temporary
        }
    }

    /// <summary>Renames the log into place if any step was logged (a failure to do so is a one-line error).</summary>
    public void Keep()
    {
        if (!_wroteAny) return;
        try
        {
            _writer.Dispose(); // flushes; the stream stays open for the commit (leaveOpen)
        }
        catch (IOException e)
        {
            throw _file.Failed(e);
        }
        _file.Commit();
    }

    /// <summary>Without <see cref="Keep"/>: removes the temporary, leaving FILE as it was.</summary>
    public void Dispose()
    {
        try
        {
            _writer.Dispose();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // A full disk fails the last flush too; the temporary goes anyway.
        }
        _file.Dispose();
    }
}
