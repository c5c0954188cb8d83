using NeuralStyle.Tests.Support;
using NeuralStyle.Imaging;
using NeuralStyle.Losses;
using NeuralStyle.Reports;
using NeuralStyle.Tests.Cli;
using NeuralStyle.Transfer;
using SkiaSharp;
using TorchSharp;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Controls;

/// <summary><c>--contact-sheet</c> and <c>--plot-losses</c>: real PNGs of the expected size with something drawn.</summary>
public sealed class ReportTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly TempFolder _cache = new();

    public void Dispose()
    {
        _dir.Dispose();
        _cache.Dispose();
    }

    [SkippableFact]
    public void ContactSheetHasTheLaidOutSizeAndDrawsLabels()
    {
        var path = _dir.File("sheet.png");
        using var photo = ImageLoader.Load(Photo, 120, 80);   // 3:2
        using var painting = ImageLoader.Load(Starry, 50, 100); // 1:2
        ContactSheet.Save(path, [("content", photo), ("style", painting), ("result", photo)], panelHeight: 100);

        // 8 + (150 + 8) + (50 + 8) + (150 + 8) = 382 wide; 8 + 100 + 24 + 8 = 140 high.
        Assert.Equal((382, 140), StylizeRun.PngSize(path));
        using var sheet = SKBitmap.Decode(path);
        Skip.If(ReportFonts.FindFile() is null, "no DejaVu/Liberation font installed, so labels are left out");
        var dark = 0;
        for (var y = 8 + 100; y < 8 + 100 + 24; y++)
            for (var x = 0; x < sheet.Width; x++)
                if (sheet.GetPixel(x, y).Red < 128) dark++;
        Assert.True(dark > 50, $"only {dark} dark pixels in the label strip: labels did not render");
    }

    [Fact]
    public void LossPlotIsAPngOfTheRequestedSizeWithCurves()
    {
        var path = _dir.File("losses.png");
        var reports = Enumerable.Range(1, 50)
            .Select(i => new IterationReport(i, 50, new LossBreakdown(0.1 * (1 - Math.Exp(-i / 10.0)), 5 * Math.Exp(-i / 8.0), 0.01), i * 0.1))
            .ToList();
        LossPlot.Save(path, reports, 640, 400);

        Assert.Equal((640, 400), StylizeRun.PngSize(path));
        using var plot = SKBitmap.Decode(path);
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < plot.Height; y += 2)
            for (var x = 0; x < plot.Width; x += 2)
                colours.Add(plot.GetPixel(x, y));
        Assert.True(colours.Count > 20, $"only {colours.Count} colours: nothing was drawn"); // curves, text, antialiasing
    }

    [Fact]
    public void NonPngReportPathsAreOneLineErrors()
    {
        var error = Assert.Throws<NeuralStyleException>(() => LossPlot.Save(_dir.File("l.jpg"), []));
        Assert.Contains("--plot-losses must be a .png", error.Message);
    }

    [Fact]
    public async Task CliWritesBothReports()
    {
        var (output, sheet, plot) = (_dir.File("out.png"), _dir.File("sheet.png"), _dir.File("plot.png"));
        var run = await StylizeRun.RunAsync(_cache.Path,
        [
            Photo, Starry, Scream, "-o", output, "--model", "resnet18", "--size", "64", "--iterations", "4",
            "--contact-sheet", sheet, "--plot-losses", plot,
        ]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        // Four panels at the default height 256: content, two styles and the result.
        var expected = ContactSheet.Layout(
            [ImageLoader.ReadSize(Photo), ImageLoader.ReadSize(Starry), ImageLoader.ReadSize(Scream), ImageLoader.ReadSize(output)], 256);
        Assert.Equal((expected.Width, expected.Height), StylizeRun.PngSize(sheet));
        Assert.Equal((800, 500), StylizeRun.PngSize(plot));
    }
}
