using System.Diagnostics;

namespace NeuralStyle.Bench.Chaos;

/// <summary>The last lines a child process printed (stdout and stderr together), read as they come so the child never
/// blocks on a full pipe, and kept — a bounded number — for failure messages and for waiting on a ready line.</summary>
public sealed class OutputTail
{
    private readonly List<string> _lines = [];
    private readonly int _keep;

    private OutputTail(int keep) => _keep = keep;

    /// <summary>Starts reading both of <paramref name="process"/>'s redirected streams.</summary>
    public static OutputTail Of(Process process, int keep)
    {
        var tail = new OutputTail(keep);
        DataReceivedEventHandler add = (_, e) =>
        {
            if (e.Data is null) return;
            lock (tail._lines)
            {
                tail._lines.Add(e.Data);
                if (tail._lines.Count > tail._keep) tail._lines.RemoveRange(0, tail._keep / 2);
            }
        };
        process.OutputDataReceived += add;
        process.ErrorDataReceived += add;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tail;
    }

    public IReadOnlyList<string> Last(int count)
    {
        lock (_lines) return _lines.TakeLast(count).ToList();
    }

    /// <summary>The earliest kept line that starts with <paramref name="prefix"/>, if any.</summary>
    public string? FirstStartingWith(string prefix)
    {
        lock (_lines) return _lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
    }
}
