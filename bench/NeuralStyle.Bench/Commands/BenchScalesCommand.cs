using System.CommandLine;
using System.Globalization;
using NeuralStyle.Bench;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench.Commands;

/// <summary>
/// <c>neural-style bench scales CONTENT STYLE</c>: is coarse-to-fine worth it? Runs the single-scale
/// baseline, then each multi-scale schedule until its finest scale reaches the baseline's final loss,
/// and prints the wall time it took as a share of the baseline's.
/// </summary>
public static class BenchScalesCommand
{
    public static Command Create()
    {
        var content = new Argument<string>("CONTENT") { Description = "The photo." };
        var style = new Argument<string>("STYLE") { Description = "The painting." };
        var model = new Option<string>("--model") { Description = "vgg19, vgg16 or resnet18.", DefaultValueFactory = _ => "resnet18" };
        var weights = new Option<string?>("--weights") { Description = "VGG weights (default: the model cache)." };
        var size = new Option<int>("--size") { Description = "Final longest side.", DefaultValueFactory = _ => 512 };
        var iterations = new Option<int?>("--iterations") { Description = "Single-scale steps (default: the preset's)." };
        var schedules = new Option<string[]>("--schedule")
        {
            Description = "Steps per scale, coarsest first, e.g. 200,100,300, or auto (what --scales auto runs); the finest number is "
                + "the most steps it may take to reach the baseline's loss. Repeat for several.",
            DefaultValueFactory = _ => ["auto"],
        };
        var threads = new Option<int>("--threads") { Description = "CPU threads (0 = one per core).", DefaultValueFactory = _ => 0 };
        var precision = new Option<string>("--precision") { Description = "auto, fp32 or bf16.", DefaultValueFactory = _ => "auto" };
        var runToEnd = new Option<bool>("--run-to-end") { Description = "Finish every schedule after it reaches the loss, and print its final loss too." };
        var layers = new BenchLayerOptions();
        var command = new Command("scales", "Time coarse-to-fine schedules against single scale: wall time to reach the single-scale run's final loss.");
        foreach (var a in new[] { content, style }) command.Arguments.Add(a);
        foreach (var o in new Option[] { model, weights, size, iterations, schedules, threads, precision, runToEnd }.Concat(layers.All)) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var spec = ModelSpec.Parse(parsed.GetValue(model)!).Resolve(parsed.GetValue(weights), null, out _);
            var baseline = Presets.ForModel(Presets.Gatys, "gatys", spec) with
            {
                WeightsPath = parsed.GetValue(weights), Size = parsed.GetValue(size), Threads = parsed.GetValue(threads), Scales = 1,
                Precision = PrecisionChoice.Parse(parsed.GetValue(precision)!),
            };
            if (parsed.GetValue(iterations) is { } n) baseline = baseline with { Iterations = n };
            baseline = layers.Apply(parsed, baseline);
            baseline.Validate();
            var candidates = parsed.GetValue(schedules)!.Select(text => Schedule(baseline, text)).ToList();
            foreach (var candidate in candidates) candidate.Validate();
            var contentPath = parsed.GetValue(content)!;
            var stylePath = parsed.GetValue(style)!;

            Console.WriteLine($"{spec}, {baseline.Size} px, gatys preset for {spec}, threads {(baseline.Threads == 0 ? "auto" : baseline.Threads)}; "
                + "wall time includes building the network and every scale's targets");
            var single = MultiScaleRace.Run(contentPath, stylePath, baseline);
            Console.WriteLine(Invariant($"single scale   {Describe(single.Plan),-26} loss {single.FinalLoss:F4} after {single.Steps} steps, {single.Seconds:F1} s"));
            foreach (var settings in candidates)
            {
                var lap = MultiScaleRace.Run(contentPath, stylePath, settings, target: single.FinalLoss, runToEnd: parsed.GetValue(runToEnd));
                var outcome = lap.ReachedAtStep is { } step
                    ? Invariant($"reached {single.FinalLoss:F4} at step {step} after {lap.ReachedAfterSeconds:F1} s = {100 * lap.ReachedAfterSeconds / single.Seconds:F0} % of single scale")
                    : Invariant($"did not reach {single.FinalLoss:F4}");
                if (lap.ReachedAtStep is null || parsed.GetValue(runToEnd))
                    outcome += Invariant($"; loss {lap.FinalLoss:F4} after {lap.Steps} steps, {lap.Seconds:F1} s");
                Console.WriteLine($"{lap.Plan.Count} scales       {Describe(lap.Plan),-26} {outcome}");
            }
            return 0;
        });
        return command;
    }

    private static StyleTransferSettings Schedule(StyleTransferSettings baseline, string text)
    {
        if (text.Equals("auto", StringComparison.OrdinalIgnoreCase)) return baseline with { Scales = ScalePyramid.Automatic };
        var steps = NumberList.Counts("--schedule", text);
        return baseline with { Scales = steps.Count, ScaleIterations = steps };
    }

    private static string Describe(IReadOnlyList<(int Side, int Iterations)> plan) =>
        string.Join(" → ", plan.Select(p => Invariant($"{p.Iterations}@{p.Side}")));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
