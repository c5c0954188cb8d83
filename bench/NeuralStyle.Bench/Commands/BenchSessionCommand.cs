using System.CommandLine;
using System.Globalization;
using NeuralStyle.Bench;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench.Commands;

/// <summary><c>neural-style-bench session</c>: checkpoint write time and size, resume time, preview cost.</summary>
public static class BenchSessionCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Comma-separated models: vgg19-conv3, resnet18, vgg19….", DefaultValueFactory = _ => "vgg19-conv3,resnet18" };
        var size = new Option<int>("--size") { Description = "Longest side in pixels (one scale).", DefaultValueFactory = _ => 512 };
        var steps = new Option<int>("--steps") { Description = "Steps before the checkpoint (L-BFGS holds steps − 1 curvature pairs).", DefaultValueFactory = _ => 10 };
        var optimizer = new Option<string>("--optimizer") { Description = "lbfgs or adam.", DefaultValueFactory = _ => "lbfgs" };
        var content = new Option<string>("--content") { Description = "Photo.", DefaultValueFactory = _ => Path.Combine("examples", "chelsea.png") };
        var style = new Option<string>("--style") { Description = "Painting.", DefaultValueFactory = _ => Path.Combine("examples", "starry_night.jpg") };
        var folder = new Option<string>("--folder") { Description = "Where the checkpoint is written (and removed).", DefaultValueFactory = _ => Path.GetTempPath() };
        var command = new Command("session", "Measure a session's checkpoint (write time, size, resume time) and preview (CurrentImage, PNG, JPEG) costs.");
        foreach (var o in new Option[] { model, size, steps, optimizer, content, style, folder }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var kind = parsed.GetValue(optimizer)!.ToLowerInvariant() switch
            {
                "lbfgs" => OptimizerKind.Lbfgs,
                "adam" => OptimizerKind.Adam,
                var other => throw new NeuralStyleException($"--optimizer must be lbfgs or adam, not '{other}'"),
            };
            if (parsed.GetValue(steps) < 1) throw new NeuralStyleException("--steps must be ≥ 1");
            Console.WriteLine("model        size  opt    steps pairs  step s  ckpt MiB  write s  resume s  image ms  png ms  jpeg ms");
            foreach (var name in parsed.GetValue(model)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var c = SessionBenchmark.Measure(name, parsed.GetValue(content)!, parsed.GetValue(style)!, parsed.GetValue(size), kind,
                    parsed.GetValue(steps), parsed.GetValue(folder)!);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Model,-12} {c.Size,4}  {c.Optimizer.ToString().ToLowerInvariant(),-5}  {c.Steps,5} {c.Pairs,5}  {c.StepSeconds,6:F2}  {c.CheckpointBytes / 1048576.0,8:F1}  {c.CheckpointSeconds,7:F3}  {c.ResumeSeconds,8:F2}  {c.TensorMilliseconds,8:F1}  {c.PngMilliseconds,6:F1}  {c.JpegMilliseconds,7:F1}"));
            }
            return 0;
        });
        return command;
    }
}
