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
    public void CheckFailsInOneLineWhenTheEstimateExceedsAvailableMemory()
    {
        MemoryEstimate.Check(Vgg, 512, 512, ScalarType.Float32, availableBytes: 8L << 30); // fits: no exception
        var e = Assert.Throws<NeuralStyleException>(() => MemoryEstimate.Check(Vgg, 4096, 4096, ScalarType.Float32, availableBytes: 8L << 30));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("4096×4096 px needs about ", e.Message);
        Assert.Contains("GiB but only 8.0 GiB is available; use a smaller --size, a shorter --lbfgs-history or --optimizer adam", e.Message);
    }

    [Fact]
    public void AbsurdSizeFailsBeforeTheRun()
    {
        // 8192² with ResNet18 and L-BFGS: about 290 GiB by the estimate, far beyond this machine's memory.
        var examples = Path.Combine(SharedFiles.RepoRoot, "examples");
        var settings = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Parse("resnet18")) with { Size = 8192, Iterations = 1 };
        var history = new LossHistory(); // records every step
        var reports = history.Reports;
        var e = Assert.Throws<NeuralStyleException>(() => StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(Path.Combine(examples, "chelsea.png"),
            [Path.Combine(examples, "starry_night.jpg")], settings), progress: history));
        Assert.Contains("GiB is available; use a smaller --size", e.Message);
        Assert.Empty(reports);
    }
}
