using System.Text.RegularExpressions;
using NeuralStyle.Cli.Progress;
using NeuralStyle.Losses;
using NeuralStyle.Transfer;
using Spectre.Console;

namespace NeuralStyle.Tests.Cli;

/// <summary>The live progress bar in a terminal of a given width: one line that fits, with a real bar.</summary>
public partial class LiveProgressTests
{
    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    [InlineData(160)]
    public void EveryFrameIsOneLineThatFitsTheTerminal(int width)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;

        LiveProgress.Show(console, 640, progress =>
        {
            foreach (var step in new[] { 1, 320, 640 })
            {
                progress.Report(new IterationReport(step, 640, new LossBreakdown(1.234567e-5, 123456.7, 0.01234567), step * 0.5));
                Thread.Sleep(150); // let the renderer draw a frame
            }
            return 0;
        });

        var frames = Ansi().Replace(writer.ToString(), "\n").Split('\n').Where(l => l.Contains("step ")).ToList();
        Assert.NotEmpty(frames);
        foreach (var line in frames)
        {
            Assert.True(line.TrimEnd().Length <= width, $"{line.TrimEnd().Length} > {width} columns: '{line}'");
            Assert.Contains("%", line); // bar, percentage and times on the same line as the step
            Assert.Contains(new string('━', 10), line.Replace(' ', '━')); // the bar keeps its width, not one character
        }
        var last = frames[^1];
        Assert.Contains("step 640/640", last);
        Assert.Contains("100%", last);
        if (width >= 160) Assert.Contains("content", last); // wide terminals get every term
        else Assert.Contains("loss 1.235E+05", last);
    }

    [Fact]
    public void DescriptionSaysLessUntilItFits()
    {
        var r = new IterationReport(12, 640, new LossBreakdown(1, 2, 3), 1);
        Assert.Equal("step 12/640 total 6 content 1 style 2 tv 3", LiveProgress.Describe(r, 200));
        Assert.Equal("step 12/640 loss 6", LiveProgress.Describe(r, 30));
        Assert.Equal("step 12/640", LiveProgress.Describe(r, 12));
        Assert.Equal("step", LiveProgress.Describe(r, 4));
    }

    // Cursor movement and erase sequences end a frame's line as far as this test is concerned.
    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]|\r")]
    private static partial Regex Ansi();
}
