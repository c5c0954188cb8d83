using System.Diagnostics;
using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Bench;

/// <summary>
/// Times real optimisation steps (forward, backward, update) of the default preset's loss. A benchmark,
/// not a test: it reports numbers and asserts nothing.
/// </summary>
public static class StyleTransferBenchmark
{
    /// <param name="setup">Weights, images and layers shared by every case (null: all defaults).</param>
    public static BenchmarkResult Measure(BenchmarkCase c, BenchmarkSetup? setup = null)
    {
        setup ??= new BenchmarkSetup();
        var weightsPath = setup.WeightsPath;
        if (c.Threads > 0) torch.set_num_threads(c.Threads);
        var model = ModelSpec.Parse(c.Model);
        var settings = Presets.ForModel(Presets.Gatys, "gatys", model) with
        {
            Size = c.Size, Optimizer = c.Optimizer, Iterations = c.Warmup + c.Iterations,
            LearningRate = Presets.DefaultLearningRate(c.Optimizer, Presets.Gatys.Space), Threads = c.Threads,
            Precision = c.Precision, Scales = 1, ScaleIterations = null,
        };
        if (setup.StyleLayers is { } styleLayers) settings = settings with { StyleLayers = styleLayers };
        if (setup.ContentLayer is { } contentLayer) settings = settings with { ContentLayer = contentLayer };
        PeakMemory.Reset();
        using var scope = torch.NewDisposeScope();
        // VGG without a weights file: synthetic weights of the real shapes. ResNet18 and vgg19-conv3 are bundled.
        IFeatureNetwork Network(Precision precision) => model.Family == ModelFamily.Vgg && !model.IsBundled && weightsPath is null
            ? SyntheticVgg.Network(VggArchitecture.DeepestOf(model.Name, settings.UsedLayers).Name, settings.Pooling, model.Name, PrecisionChoice.ComputeType(precision))
            : FeatureNetworks.Create(model, weightsPath, settings.UsedLayers, settings.Pooling, precision);
        using var network = Network(c.Precision);
        torch.manual_seed(1);
        // Timing depends on the size, not the picture: random images unless real ones are given (for a
        // loss that means something), stretched to the same square.
        var content = setup.ContentPath is { } contentPath ? ImageLoader.Load(contentPath, c.Size, c.Size) : torch.rand(1, 3, c.Size, c.Size);
        var style = setup.StylePath is { } stylePath ? ImageLoader.Load(stylePath, c.Size, c.Size) : torch.rand(1, 3, c.Size, c.Size);

        var reports = new List<IterationReport>();
        var cpuSeconds = new List<double>();
        using var result = StyleTransferSession.Stylize(settings, Inputs(content, style), new Collect(reports, cpuSeconds), network: network);
        if (setup.ImageFolder is { } folder)
            ImageSaver.Save(result.Image, Path.Combine(folder, $"{c.Model}-{PrecisionChoice.Format(c.Precision)}-{c.Size}.png"));
        var peak = PeakMemory.ReadMiB();
        // The loss each run reports comes from its own network; to compare precisions, the result is
        // also scored by an fp32 network.
        double resultLoss;
        using (var fp32 = PrecisionChoice.ComputeType(c.Precision) == ScalarType.Float32 ? null : Network(Precision.Fp32))
            resultLoss = LossOf(result.Image, fp32 ?? network, settings, content, style);
        var stepSeconds = reports.Select((r, i) => r.Seconds - (i == 0 ? 0 : reports[i - 1].Seconds)).Skip(c.Warmup).Order().ToList();
        var median = stepSeconds.Count == 0 ? double.NaN : stepSeconds[stepSeconds.Count / 2];
        // CPU time from the end of the last warm-up step (or the first step) to the end of the last one.
        var from = Math.Max(0, c.Warmup - 1);
        var timed = reports.Count - 1 - from;
        var cpu = timed > 0 ? (cpuSeconds[^1] - cpuSeconds[from]) / timed : double.NaN;
        return new BenchmarkResult(c, median, peak, reports[0].Terms.Total, reports[^1].Terms.Total, cpu, resultLoss);
    }


    /// <summary>The total loss of <paramref name="image"/> in fp32: a one-step run reports the loss of its start image.</summary>
    private static double LossOf(Tensor image, IFeatureNetwork network, StyleTransferSettings settings, Tensor content, Tensor style)
    {
        var score = new List<IterationReport>();
        var scoring = settings with { Iterations = 1, Precision = Precision.Fp32 };
        using (StyleTransferSession.Stylize(scoring, Inputs(content, style, image), new Collect(score, []), network: network))
        {
        }
        return score[0].Terms.Total;
    }

    private static StyleTransferInputs Inputs(Tensor content, Tensor style, Tensor? init = null) =>
        new(ImageSource.FromTensor(content), [ImageSource.FromTensor(style)], init: init is null ? null : ImageSource.FromTensor(init));

    // Synchronous (not Progress<T>), so each report is taken right at the end of its step.
    private sealed class Collect(List<IterationReport> into, List<double> cpuSeconds) : IProgress<IterationReport>
    {
        private readonly Process _process = Process.GetCurrentProcess();

        public void Report(IterationReport value)
        {
            into.Add(value);
            _process.Refresh();
            cpuSeconds.Add(_process.TotalProcessorTime.TotalSeconds);
        }
    }
}
