using System.CommandLine;
using System.Globalization;
using NeuralStyle.Bench;
using NeuralStyle.Transfer;

namespace NeuralStyle.Cli.Commands;

/// <summary><c>neural-style bench</c>: seconds per iteration and peak memory for model × size × threads.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "vgg19, vgg16 or resnet18.", DefaultValueFactory = _ => "vgg19" };
        var sizes = new Option<string>("--sizes") { Description = "Comma-separated square image sizes.", DefaultValueFactory = _ => "256,512" };
        var threads = new Option<string>("--threads") { Description = "Comma-separated thread counts (0 = libtorch default).", DefaultValueFactory = _ => "0" };
        var optimizer = new Option<string>("--optimizer") { Description = "lbfgs or adam.", DefaultValueFactory = _ => "lbfgs" };
        var iterations = new Option<int>("--iterations") { Description = "Timed steps per case.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first.", DefaultValueFactory = _ => 2 };
        var weights = new Option<string?>("--weights") { Description = "Real weights (default: synthetic weights of the same shapes)." };
        var command = new Command("bench", "Measure seconds per iteration and peak memory (the gatys preset's loss, square images).");
        foreach (var o in new Option[] { model, sizes, threads, optimizer, iterations, warmup, weights }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var kind = parsed.GetValue(optimizer) == "adam" ? OptimizerKind.Adam : OptimizerKind.Lbfgs;
            var weightsPath = parsed.GetValue(weights);
            if (parsed.GetValue(iterations) < 1) throw new NeuralStyleException("--iterations must be ≥ 1");
            if (parsed.GetValue(warmup) < 0) throw new NeuralStyleException("--warmup must be ≥ 0");
            Console.WriteLine(weightsPath is not null ? $"weights: {weightsPath}"
                : parsed.GetValue(model) == "resnet18" ? "weights: the bundled ResNet18"
                : "weights: synthetic (random values, real shapes; speed and memory do not depend on the values)");
            Console.WriteLine($"cpu: {Environment.ProcessorCount} logical cores; loss: gatys preset layers; optimizer: {kind.ToString().ToLowerInvariant()}");
            Console.WriteLine("model   size  threads  s/iter   peak MiB   loss first → last");
            foreach (var size in Ints(parsed.GetValue(sizes)!, "--sizes"))
            foreach (var t in Ints(parsed.GetValue(threads)!, "--threads"))
            {
                var c = new BenchmarkCase(parsed.GetValue(model)!, size, t, kind, parsed.GetValue(iterations), parsed.GetValue(warmup));
                var r = StyleTransferBenchmark.Measure(c, weightsPath);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Model,-7} {c.Size,5} {(t == 0 ? "auto" : t.ToString(CultureInfo.InvariantCulture)),8} {r.SecondsPerIteration,7:F3} {r.PeakMiB,10:F0}   {r.FirstLoss:G4} → {r.LastLoss:G4}"));
            }
            return 0;
        });
        return command;
    }

    private static IEnumerable<int> Ints(string text, string option) => text.Split(',', StringSplitOptions.TrimEntries).Select(s =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v
            : throw new NeuralStyleException($"{option}: '{s}' is not a whole number ≥ 0")).ToList();
}
