using NeuralStyle.Reports;
using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Tests.Support;
using NeuralStyle.Transfer;

namespace NeuralStyle.Tests.Transfer;

/// <summary><c>--scales N</c>: the pyramid, and a real coarse-to-fine run on the bundled ResNet18.</summary>
public class MultiScaleTests
{
    [Fact]
    public void SidesDoubleUpToTheRequestedSizeAndSkipTinyScales()
    {
        Assert.Equal([128, 256, 512], ScalePyramid.Sides(512, 3));
        Assert.Equal([400], ScalePyramid.Sides(400, 1));
        Assert.Equal([75, 150], ScalePyramid.Sides(150, 3)); // 38 px would be below the minimum
        Assert.Equal([200, 200, 100], Enumerable.Range(0, 3).Select(k => ScalePyramid.Iterations(200, k, 3)));
        Assert.Equal(7, ScalePyramid.Iterations(7, 0, 1));
    }

    [Fact]
    public void StepsRunOnAcrossScalesAndTheResultHasTheFinalSize()
    {
        var content = Path.Combine(SharedFiles.RepoRoot, "examples", "chelsea.png");
        var style = Path.Combine(SharedFiles.RepoRoot, "examples", "starry_night.jpg");
        var settings = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.ResNet18) with
        {
            Size = 128, Scales = 2, Iterations = 8, Threads = 2,
            StyleLayers = LayerWeights.Parse("conv1,layer1,layer2"), ContentLayer = "layer2",
        };
        var history = new LossHistory(); // records every step
        var reports = history.Reports;

        using var result = StyleTransferJob.Run(content, [style], settings, progress: history);

        Assert.Equal(Enumerable.Range(1, 12), reports.Select(r => r.Step)); // 8 at 64 px, then 4 at 128 px
        Assert.All(reports, r => Assert.Equal(12, r.TotalSteps));
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.Seconds >= p.First.Seconds));
        Assert.True(reports[^1].Terms.Total < reports[8].Terms.Total, "the finest scale did not lower the loss");
        Assert.Equal((12, false), (result.StepsCompleted, result.Cancelled));
        var expected = ImageLoader.ReadSize(content).WithLongestSide(128);
        Assert.Equal(128, result.Image.shape[3]);
        Assert.Equal((long)Math.Round(expected.Height / 32.0) * 32, result.Image.shape[2]); // ResNet18 needs multiples of 32
    }
}
