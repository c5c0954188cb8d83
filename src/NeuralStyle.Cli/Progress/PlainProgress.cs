using System.Globalization;
using NeuralStyle.Transfer;

namespace NeuralStyle.Cli.Progress;

/// <summary>Progress for logs and CI (no terminal): a line about every 5% of the run, and the last step.</summary>
internal sealed class PlainProgress(TextWriter output) : IProgress<IterationReport>
{
    public void Report(IterationReport r)
    {
        var every = Math.Max(1, r.TotalSteps / 20);
        if (r.Step != 1 && r.Step % every != 0 && r.Step != r.TotalSteps) return;
        output.WriteLine(LossLine.Format(r));
    }
}

/// <summary>The one-line summary of a step shared by every progress display.</summary>
internal static class LossLine
{
    public static string Format(IterationReport r) => string.Create(CultureInfo.InvariantCulture,
        $"step {r.Step}/{r.TotalSteps}  total {r.Terms.Total:G4}  content {r.Terms.Content:G4}  style {r.Terms.Style:G4}  tv {r.Terms.Tv:G4}  {r.Seconds:F1}s{Eta(r)}");

    private static string Eta(IterationReport r) =>
        r.Step >= r.TotalSteps ? "" : string.Create(CultureInfo.InvariantCulture, $"  eta {r.Seconds / r.Fraction * (1 - r.Fraction):F0}s");
}
