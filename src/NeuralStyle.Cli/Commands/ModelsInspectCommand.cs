using System.CommandLine;
using NeuralStyle.Onnx;

namespace NeuralStyle.Cli.Commands;

/// <summary>
/// <c>neural-style models inspect PATH [--size N] [--all]</c>: the tensors of an ONNX network that can
/// serve as <c>--style-layers</c>/<c>--content-layer</c> with <c>--model onnx:PATH</c>, and their shapes.
/// </summary>
internal static class ModelsInspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "An ONNX file." };
        var size = new Option<int>("--size") { Description = "Square input size the shapes are computed for.", DefaultValueFactory = _ => 224 };
        var all = new Option<bool>("--all") { Description = "List every tensor, not only 4-D feature maps." };
        var maxMemory = new Option<string?>("--max-memory") { Description = "Memory the feature maps held at once may use, e.g. 4GiB (default: what the machine has available); estimated at 224 px before the graph runs at --size." };
        var command = new Command("inspect", "List the tensors of an ONNX network usable as style or content layers.") { path, size, all, maxMemory };
        command.SetAction(parsed =>
        {
            var side = parsed.GetValue(size);
            if (side < 1) throw new NeuralStyleException("--size must be ≥ 1");
            if (side > 65536) throw new NeuralStyleException("--size must be at most 65536");
            var budget = parsed.GetValue(maxMemory) is { } text
                ? Transfer.MemorySize.TryParse(text) ?? throw new NeuralStyleException($"--max-memory: '{text}' is not a size (e.g. 4GiB, 512MiB)")
                : (long?)null;
            var tensors = OnnxInspector.Inspect(parsed.GetValue(path)!, side, side, budget);
            var shown = parsed.GetValue(all) ? tensors : OnnxInspector.FeatureMaps(tensors);
            var width = Math.Max(6, shown.Select(t => t.Name.Length).DefaultIfEmpty(0).Max());
            Console.WriteLine($"{"tensor".PadRight(width)}  {"op",-20} shape at {side}×{side}");
            foreach (var t in shown)
                Console.WriteLine($"{t.Name.PadRight(width)}  {t.OpType,-20} {t.Problem ?? t.ShapeText}");
            Console.WriteLine($"{shown.Count} of {tensors.Count} tensors; use them with --model onnx:PATH --style-layers A,B --content-layer C");
            return 0;
        });
        return command;
    }
}
