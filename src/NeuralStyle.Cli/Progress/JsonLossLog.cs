using System.Text.Json;
using NeuralStyle.Transfer;

namespace NeuralStyle.Cli.Progress;

/// <summary>
/// <c>--log-json FILE</c>: one JSON object per step with the weighted loss terms and elapsed seconds,
/// flushed as it goes so a long run can be plotted while it works. It is opened before the run, so an
/// unwritable path fails at once; a run that fails before its first step leaves no (empty) log behind,
/// while one that fails later keeps the steps it made.
/// </summary>
internal sealed class JsonLossLog : IProgress<IterationReport>, IDisposable
{
    private readonly StreamWriter _writer;
    private readonly string _path;
    private bool _wroteAny;

    public JsonLossLog(string path)
    {
        _path = path;
        try
        {
            _writer = new StreamWriter(path, append: false) { AutoFlush = true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuralStyleException($"cannot write --log-json file '{path}': {e.Message}");
        }
    }

    public void Report(IterationReport report)
    {
        _wroteAny = true;
        var terms = report.Terms;
        _writer.WriteLine(JsonSerializer.Serialize(new
        {
            step = report.Step,
            content = terms.Content,
            style = terms.Style,
            tv = terms.Tv,
            total = terms.Total,
            seconds = Math.Round(report.Seconds, 4),
        }));
    }

    public void Dispose()
    {
        _writer.Dispose();
        if (_wroteAny) return;
        try
        {
            File.Delete(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Runs while an error unwinds: an empty log left behind must not hide that error.
        }
    }
}
