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
        // Two thirds of the steps at every coarse scale, all of them at the finest.
        Assert.Equal([133, 133, 200], Enumerable.Range(0, 3).Select(k => ScalePyramid.Iterations(200, k, 3)));
        Assert.Equal(7, ScalePyramid.Iterations(7, 0, 1));
        // auto: halve down to 256 px and no further.
        Assert.Equal([256, 512], ScalePyramid.Sides(512, ScalePyramid.Automatic));
        Assert.Equal([256, 512, 1024, 2048], ScalePyramid.Sides(2048, ScalePyramid.Automatic));
        Assert.Equal([400], ScalePyramid.Sides(400, ScalePyramid.Automatic));
        Assert.Equal([300, 600], ScalePyramid.Sides(600, ScalePyramid.Automatic));
    }

    [Fact]
    public void ExplicitStepsPerScaleBelongToTheScalesCountedFromTheFinest()
    {
        var settings = Presets.Gatys with { Size = 512, Scales = 3, ScaleIterations = [5, 6, 7] };
        Assert.Equal([(128, 5), (256, 6), (512, 7)], ScalePyramid.Plan(settings));
        // 150 px: the 38 px scale is not made, and its 5 steps go with it.
        Assert.Equal([(75, 6), (150, 7)], ScalePyramid.Plan(settings with { Size = 150 }));
        Assert.Equal([(256, 27), (512, 40)], ScalePyramid.Plan(settings with { Scales = 2, ScaleIterations = null, Iterations = 40 }));
        var mismatch = Assert.Throws<SettingException>(() => (settings with { Scales = 2 }).Validate());
        Assert.Contains("ScaleIterations needs one step count per scale", mismatch.Message);
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

        using var result = StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(content, [style], settings), progress: history);

        Assert.Equal(Enumerable.Range(1, 13), reports.Select(r => r.Step)); // 5 at 64 px, then 8 at 128 px
        Assert.All(reports, r => Assert.Equal(13, r.TotalSteps));
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.Seconds >= p.First.Seconds));
        Assert.True(reports[^1].Terms.Total < reports[5].Terms.Total, "the finest scale did not lower the loss");
        Assert.Equal((13, false), (result.StepsCompleted, result.Cancelled));
        // Progress counts work, not steps: the 5 steps at 64 px cost what 1.25 steps at 128 px do.
        Assert.Equal(5.0 * 64 * 64 / (5.0 * 64 * 64 + 8.0 * 128 * 128), reports[4].Fraction, 9);
        Assert.Equal(1.0, reports[^1].Fraction, 9);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.Fraction > p.First.Fraction));
        var expected = ImageLoader.ReadSize(content).WithLongestSide(128);
        Assert.Equal(128, result.Image.shape[3]);
        Assert.Equal(expected.Height, result.Image.shape[2]); // the photo's proportions, not ResNet18's multiples of 32
    }

    [Fact]
    public void AScheduleGivesEachScaleItsOwnSteps()
    {
        var content = Path.Combine(SharedFiles.RepoRoot, "examples", "chelsea.png");
        var style = Path.Combine(SharedFiles.RepoRoot, "examples", "starry_night.jpg");
        var settings = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.ResNet18) with
        {
            Size = 128, Scales = 2, ScaleIterations = [3, 5], Threads = 2,
            StyleLayers = LayerWeights.Parse("conv1,layer1"), ContentLayer = "layer1",
        };
        var history = new LossHistory();

        using var result = StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(content, [style], settings), progress: history);

        Assert.Equal(Enumerable.Range(1, 8), history.Reports.Select(r => r.Step));
        Assert.All(history.Reports, r => Assert.Equal(8, r.TotalSteps));
        Assert.Equal((8, false), (result.StepsCompleted, result.Cancelled));
    }

    [Fact]
    public void ResNet18WorksCoarseToFineByDefaultAndVggDoesNot()
    {
        var resnet = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.ResNet18) with { Size = 512, Iterations = 300 };
        Assert.Equal([(256, 200), (512, 300)], ScalePyramid.Plan(resnet));
        var vgg = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Vgg19) with { Size = 512 };
        Assert.Equal([(512, 500)], ScalePyramid.Plan(vgg));
    }
}
