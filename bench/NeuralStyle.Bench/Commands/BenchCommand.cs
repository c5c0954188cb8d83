using System.CommandLine;
using System.Globalization;
using NeuralStyle.Cli.Commands;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench.Commands;

/// <summary><c>neural-style-bench</c>: seconds per iteration and peak memory for model × size × threads; its
/// subcommands <c>scales</c> and <c>quality</c>. A developer program, not part of the <c>neural-style</c> tool.</summary>
public static class BenchCommand
{
    public static RootCommand Create()
    {
        var model = new Option<string>("--model") { Description = "Comma-separated models: vgg19, vgg16, resnet18.", DefaultValueFactory = _ => "vgg19" };
        var precision = new Option<string>("--precision") { Description = "Comma-separated: fp32, bf16, auto.", DefaultValueFactory = _ => "fp32" };
        var sizes = new Option<string>("--sizes") { Description = "Comma-separated square image sizes.", DefaultValueFactory = _ => "256,512" };
        var threads = new Option<string>("--threads") { Description = "Comma-separated thread counts (0 = libtorch default).", DefaultValueFactory = _ => "0" };
        var optimizer = new Option<string>("--optimizer") { Description = "lbfgs or adam.", DefaultValueFactory = _ => "lbfgs" };
        var iterations = new Option<int>("--iterations") { Description = "Timed steps per case.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first.", DefaultValueFactory = _ => 2 };
        var weights = new Option<string?>("--weights") { Description = "Real weights (default: synthetic weights of the same shapes)." };
        var content = new Option<string?>("--content") { Description = "A real photo for the loss column (default: random pixels; timing does not depend on it)." };
        var style = new Option<string?>("--style") { Description = "A real painting for the loss column (default: random pixels)." };
        var layers = new BenchLayerOptions();
        var saveImages = new Option<string?>("--save-images") { Description = "Save each case's result in this folder as MODEL-PRECISION-SIZE.png." };
        var command = new RootCommand("neural-style-bench: measure seconds per iteration and peak memory (the gatys preset's loss, square images); " +
            "'scales' and 'quality' compare schedules and settings; 'serve-load' load-tests the job service.");
        foreach (var o in new Option[] { model, precision, sizes, threads, optimizer, iterations, warmup, weights, content, style, saveImages }.Concat(layers.All)) command.Options.Add(o);
        command.Subcommands.Add(BenchScalesCommand.Create());
        command.Subcommands.Add(BenchQualityCommand.Create());
        command.Subcommands.Add(BenchSessionCommand.Create());
        command.Subcommands.Add(BenchTilesCommand.Create());
        command.Subcommands.Add(BenchServeLoadCommand.Create());
        command.Subcommands.Add(BenchServeChaosCommand.Create());
        command.Subcommands.Add(BenchVideoFlickerCommand.Create());
        command.SetAction(parsed =>
        {
            var kind = StylizeOptions.ParseOptimizer(parsed.GetValue(optimizer)!);
            var weightsPath = parsed.GetValue(weights);
            var setup = new BenchmarkSetup(weightsPath, parsed.GetValue(content), parsed.GetValue(style),
                layers.StyleLayersOf(parsed), parsed.GetValue(layers.ContentLayer),
                parsed.GetValue(saveImages));
            if (setup.ImageFolder is { } folder) Directory.CreateDirectory(folder);
            if (parsed.GetValue(iterations) < 1) throw new NeuralStyleException("--iterations must be ≥ 1");
            if (parsed.GetValue(warmup) < 0) throw new NeuralStyleException("--warmup must be ≥ 0");
            var models = Names(parsed.GetValue(model)!, "--model", ["vgg19", "vgg16", "resnet18"]);
            var precisions = Names(parsed.GetValue(precision)!, "--precision", ["fp32", "bf16", "auto"])
                .Select(p => PrecisionChoice.Parse(p)).ToList();
            Console.WriteLine(weightsPath is not null ? $"weights: {weightsPath}"
                : "weights: synthetic for VGG (random values, real shapes; speed and memory do not depend on the values), bundled for resnet18");
            Console.WriteLine(setup.ContentPath is null && setup.StylePath is null ? "images: random pixels"
                : $"images: {setup.ContentPath ?? "random pixels"} × {setup.StylePath ?? "random pixels"}, each stretched to size × size");
            Console.WriteLine($"cpu: {Environment.ProcessorCount} logical cores, auto picks bf16: {(PrecisionChoice.CpuRunsBf16Faster ? "yes" : "no")}; " +
                $"loss: gatys preset{(setup.StyleLayers is null && setup.ContentLayer is null ? "" : " with the given layers")}; optimizer: {kind.ToString().ToLowerInvariant()}");
            Console.WriteLine("model    prec  size  threads  s/iter  cpu s/iter  peak MiB   loss first → last   result loss in fp32");
            foreach (var m in models)
            foreach (var p in precisions)
            foreach (var size in Ints(parsed.GetValue(sizes)!, "--sizes"))
            foreach (var t in Ints(parsed.GetValue(threads)!, "--threads"))
            {
                var c = new BenchmarkCase(m, size, t, kind, parsed.GetValue(iterations), parsed.GetValue(warmup), p);
                var r = StyleTransferBenchmark.Measure(c, setup);
                var shown = p == Precision.Auto ? $"auto:{(PrecisionChoice.CpuRunsBf16Faster ? "bf16" : "fp32")}" : PrecisionChoice.Format(p);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Model,-8} {shown,-4} {c.Size,5} {(t == 0 ? "auto" : t.ToString(CultureInfo.InvariantCulture)),8} {r.SecondsPerIteration,7:F3} {r.CpuSecondsPerIteration,11:F3} {r.PeakMiB,9:F0}   {r.FirstLoss:G4} → {r.LastLoss:G4}   {r.ResultLossFp32:G4}"));
            }
            return 0;
        });
        return command;
    }

    private static List<string> Names(string text, string option, string[] allowed) => text.Split(',', StringSplitOptions.TrimEntries)
        .Select(s => allowed.Contains(s.ToLowerInvariant())
            ? s.ToLowerInvariant()
            : throw new NeuralStyleException($"{option}: '{s}' is not one of {string.Join(", ", allowed)}")).ToList();

    private static IEnumerable<int> Ints(string text, string option) => text.Split(',', StringSplitOptions.TrimEntries).Select(s =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v
            : throw new NeuralStyleException($"{option}: '{s}' is not a whole number ≥ 0")).ToList();
}
