using NeuralStyle.Imaging;
using NeuralStyle.Transfer;

namespace NeuralStyle.Reports;

/// <summary>
/// Loss curves per term (α·content, β·style, tv, total) against the step, as a PNG (<c>--plot-losses PATH</c>),
/// drawn with ScottPlot. The y axis is log10 of the loss: the terms differ by orders of magnitude and the
/// interesting part of a run is its long flat tail, which a linear axis squashes onto zero.
/// </summary>
public static class LossPlot
{
    public static void Save(string path, IReadOnlyList<IterationReport> reports, int width = 800, int height = 500)
    {
        ContactSheet.CheckTarget("--plot-losses", path);
        var plot = new ScottPlot.Plot();
        if (ReportFonts.FindFile() is { } fontFile)
        {
            ScottPlot.Fonts.AddFontFile("Report Sans", fontFile);
            plot.Font.Set("Report Sans");
        }
        void Curve(string name, Func<IterationReport, double> term)
        {
            // Zero terms (content at step 1, tv when switched off) have no logarithm; leave them out of the curve.
            var points = reports.Where(r => term(r) > 0).ToList();
            if (points.Count == 0) return;
            var line = plot.Add.Scatter(points.Select(r => (double)r.Step).ToArray(), points.Select(r => Math.Log10(term(r))).ToArray());
            line.LegendText = name;
            line.MarkerSize = 0;
        }
        Curve("content (α·content)", r => r.Terms.Content);
        Curve("style (β·Σ w·style)", r => r.Terms.Style);
        Curve("total variation", r => r.Terms.Tv);
        Curve("total", r => r.Terms.Total);
        plot.Title("Loss per term");
        plot.XLabel("step");
        plot.YLabel("log10 loss");
        // Outside the data area, in one row under it: inside, any corner covers some run's curves
        // (the jump where a coarse-to-fine run changes scale, a high start).
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        plot.Legend.Orientation = ScottPlot.Orientation.Horizontal;

        var bytes = plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
