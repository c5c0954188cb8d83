using NeuralStyle.Reports;
using NeuralStyle.Networks;
using NeuralStyle.Tests.Support;
using NeuralStyle.Transfer;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Transfer;

/// <summary>The memory guard: its estimate scales as it should, and an absurd size fails in one line before any work.</summary>
public class MemoryEstimateTests
{
    private static readonly StyleTransferSettings Vgg = Presets.Gatys with { Model = ModelSpec.Vgg19 };

    [Fact]
    public void EstimateGrowsWithPixelsAndShrinksInBf16()
    {
        const double fixedBytes = 1L << 30;
        var small = MemoryEstimate.PeakBytes(Vgg, 512, 512, ScalarType.Float32) - fixedBytes;
        var large = MemoryEstimate.PeakBytes(Vgg, 1024, 1024, ScalarType.Float32) - fixedBytes;
        Assert.Equal(4.0, large / small, 6);
        Assert.True(MemoryEstimate.PeakBytes(Vgg, 512, 512, ScalarType.BFloat16) < MemoryEstimate.PeakBytes(Vgg, 512, 512, ScalarType.Float32));
        // A shallower cut of the network needs less.
        var shallow = Vgg with { StyleLayers = LayerWeights.Parse("relu1_1,relu2_1"), ContentLayer = "relu2_2" };
        Assert.True(MemoryEstimate.PeakBytes(shallow, 512, 512, ScalarType.Float32) < MemoryEstimate.PeakBytes(Vgg, 512, 512, ScalarType.Float32));
        // L-BFGS keeps 2 × history image-sized float vectors (× 1.5 measured overhead): 90 pairs fewer save that much.
        var shortHistory = MemoryEstimate.PeakBytes(Vgg with { LbfgsHistory = 10 }, 2048, 2048, ScalarType.Float32);
        Assert.Equal(1.5 * 2 * 90 * 3 * 4 * 2048 * 2048, MemoryEstimate.PeakBytes(Vgg, 2048, 2048, ScalarType.Float32) - shortHistory, 0);
    }

    [Fact]
    public void APlanTilesAndShortensTheHistoryOnlyWhenTheWholeImageDoesNotFit()
    {
        var settings = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Vgg19Conv3) with { Precision = NeuralStyle.Networks.Precision.Fp32 };
        using var network = FeatureNetworks.Create(ModelSpec.Vgg19Conv3, null, settings.UsedLayers, PoolingKind.Max, NeuralStyle.Networks.Precision.Fp32);

        var small = MemoryPlan.Make(settings, network, 512, 512, 8L << 30);
        Assert.False(small.Tiled);
        Assert.Equal(settings.LbfgsHistory, small.LbfgsHistory);

        // A 4096×2731 print in 4 GiB (bf16 features): tiles, whatever history is left, the estimate within the budget.
        var large = MemoryPlan.Make(settings with { MaxMemoryBytes = 4L << 30, Precision = NeuralStyle.Networks.Precision.Bf16 }, network, 4096, 2731, null);
        Assert.True(large.Tiled);
        Assert.True(large.TileColumns * large.TileRows >= 2, large.Describe());
        Assert.True(large.EstimatedBytes <= 4L << 30, large.Describe());
        Assert.InRange(large.LbfgsHistory, 1, settings.LbfgsHistory - 1);
        Assert.Contains("L-BFGS history", large.Describe());

        // --tile forces tiles wherever the image is larger than a tile, and only there.
        Assert.True(MemoryPlan.Make(settings with { TileSize = 128 }, network, 512, 340, 8L << 30).Tiled);
        Assert.False(MemoryPlan.Make(settings with { TileSize = 1024 }, network, 512, 340, 8L << 30).Tiled);
    }

    [Fact]
    public void ASizeThatCannotFitEvenInTilesFailsInOneLine()
    {
        var settings = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Vgg19Conv3) with { MaxMemoryBytes = 1L << 30 };
        using var network = FeatureNetworks.Create(ModelSpec.Vgg19Conv3, null, settings.UsedLayers, PoolingKind.Max);
        var e = Assert.Throws<NeuralStyleException>(() => MemoryPlan.Make(settings, network, 8192, 8192, null));
        Assert.StartsWith("8192×8192 px does not fit a 1.0 GiB budget: in tiles of ", e.Message);
        Assert.Contains("raise --max-memory, use a smaller --size or --optimizer adam", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void AbsurdSizeFailsBeforeTheRun()
    {
        // 8192² with ResNet18 and L-BFGS in a 2 GiB budget: the image-sized tensors alone need more.
        var examples = Path.Combine(SharedFiles.RepoRoot, "examples");
        var settings = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Parse("resnet18")) with { Size = 8192, Iterations = 1, MaxMemoryBytes = 2L << 30 };
        var history = new LossHistory(); // records every step
        var reports = history.Reports;
        var e = Assert.Throws<NeuralStyleException>(() => StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(Path.Combine(examples, "chelsea.png"),
            [Path.Combine(examples, "starry_night.jpg")], settings), progress: history));
        Assert.Contains("does not fit a 2.0 GiB budget", e.Message);
        Assert.Empty(reports);
    }
}
