using System.CommandLine;
using System.Globalization;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench.Commands;

/// <summary><c>neural-style-bench tiles</c>: peak memory and time per step of tiled runs under a budget, and the
/// cost of tiling against the whole image at a size where both fit.</summary>
public static class BenchTilesCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "vgg19-conv3, resnet18, vgg19….", DefaultValueFactory = _ => "vgg19-conv3" };
        var sizes = new Option<string>("--sizes") { Description = "Comma-separated longest sides.", DefaultValueFactory = _ => "1024,2048,4096" };
        var budget = new Option<string>("--max-memory") { Description = "The budget each run gets.", DefaultValueFactory = _ => "4GiB" };
        var tile = new Option<int>("--tile") { Description = "Force tiles of at most N px (0 = as the budget decides).", DefaultValueFactory = _ => 0 };
        var steps = new Option<int>("--steps") { Description = "Steps per size (the first is not timed); 0 = until L-BFGS holds its whole history, where the peak is.", DefaultValueFactory = _ => 0 };
        var overhead = new Option<int>("--overhead-size") { Description = "Also time this size whole and in --overhead-tile tiles, with no budget (0 = skip).", DefaultValueFactory = _ => 1024 };
        var overheadTile = new Option<int>("--overhead-tile") { Description = "Tile size for the overhead comparison.", DefaultValueFactory = _ => 512 };
        var precision = new Option<string>("--precision") { Description = "auto, fp32 or bf16.", DefaultValueFactory = _ => "auto" };
        var optimizer = new Option<string>("--optimizer") { Description = "lbfgs or adam.", DefaultValueFactory = _ => "lbfgs" };
        var history = new Option<int>("--lbfgs-history") { Description = "The history asked for (the budget may shorten it).", DefaultValueFactory = _ => 100 };
        var content = new Option<string>("--content") { Description = "Photo.", DefaultValueFactory = _ => Path.Combine("examples", "coffee.png") };
        var style = new Option<string>("--style") { Description = "Painting.", DefaultValueFactory = _ => Path.Combine("examples", "starry_night.jpg") };
        var command = new Command("tiles", "Peak memory and s/step of runs under a --max-memory budget, and tiling's overhead against the whole image.");
        foreach (var o in new Option[] { model, sizes, budget, tile, steps, overhead, overheadTile, precision, optimizer, history, content, style }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var bytes = MemorySize.TryParse(parsed.GetValue(budget)!) ?? throw new NeuralStyleException("--max-memory: not a size (e.g. 4GiB)");
            var kind = parsed.GetValue(optimizer)!.ToLowerInvariant() switch
            {
                "lbfgs" => OptimizerKind.Lbfgs,
                "adam" => OptimizerKind.Adam,
                var other => throw new NeuralStyleException($"--optimizer must be lbfgs or adam, not '{other}'"),
            };
            var compute = PrecisionChoice.Parse(parsed.GetValue(precision)!);
            var (name, photo, painting, count) = (parsed.GetValue(model)!, parsed.GetValue(content)!, parsed.GetValue(style)!, parsed.GetValue(steps));
            Console.WriteLine($"cpu: {CpuName()}; precision {parsed.GetValue(precision)} ({PrecisionChoice.ComputeType(compute)}); {kind}; {Environment.ProcessorCount} threads");
            void Print(TilesCost c, string label) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label,-10} {c.Size,5}  {c.Steps,3} steps  peak {c.PeakMiB,7:F0} MiB  budget {c.BudgetMiB,7:F0} MiB  {c.SecondsPerStep,7:F2} s/step  {c.Plan}"));
            var list = parsed.GetValue(sizes)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
            var cases = list.Count + (parsed.GetValue(overhead) > 0 ? 2 : 0);
            if (cases > 1)
            {
                // One process per case: glibc keeps freed heap memory, so a case that follows another in the same
                // process would report the earlier one's leftovers as its own peak.
                foreach (var size in list) RunChild(parsed.Tokens, ["--sizes", size.ToString(CultureInfo.InvariantCulture), "--overhead-size", "0"]);
                if (parsed.GetValue(overhead) is > 0 and var at)
                {
                    var steps = Math.Max(count, 4).ToString(CultureInfo.InvariantCulture);
                    var whole = RunChild(parsed.Tokens, ["--sizes", at.ToString(CultureInfo.InvariantCulture), "--overhead-size", "0", "--max-memory", "64GiB", "--tile", "0", "--steps", steps]);
                    var tiled = RunChild(parsed.Tokens, ["--sizes", at.ToString(CultureInfo.InvariantCulture), "--overhead-size", "0", "--max-memory", "64GiB",
                        "--tile", parsed.GetValue(overheadTile).ToString(CultureInfo.InvariantCulture), "--steps", steps]);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"overhead of tiling at {at} px: {tiled / whole:F2}× (s/step, {steps} steps each)"));
                }
                return 0;
            }
            foreach (var size in list)
                Print(TilesBenchmark.Measure(name, photo, painting, size, bytes, parsed.GetValue(tile), count, compute, kind, parsed.GetValue(history)), "budget");
            return 0;
        });
        return command;
    }

    /// <summary>Runs this command again in a child process with <paramref name="overrides"/> replacing the given
    /// options, echoes its result line, and returns its s/step.</summary>
    private static double RunChild(IReadOnlyList<System.CommandLine.Parsing.Token> tokens, string[] overrides)
    {
        var args = new List<string> { "tiles" };
        var skip = overrides.Where((_, i) => i % 2 == 0).ToHashSet();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type == System.CommandLine.Parsing.TokenType.Command) continue;
            if (skip.Contains(tokens[i].Value)) { i++; continue; }
            args.Add(tokens[i].Value);
        }
        args.AddRange(overrides);
        var self = Environment.ProcessPath!;
        var start = new System.Diagnostics.ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(BenchTilesCommand).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var child = System.Diagnostics.Process.Start(start)!;
        var lines = child.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        child.WaitForExit();
        var result = lines.LastOrDefault(l => l.Contains(" s/step")) ?? throw new NeuralStyleException($"a benchmark case failed: {string.Join(" ", args)}: {lines.LastOrDefault()}");
        Console.WriteLine(result);
        var field = result.Split("s/step")[0].Trim().Split(' ')[^1];
        return double.Parse(field, CultureInfo.InvariantCulture);
    }

    private static string CpuName()
    {
        var name = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() : null;
        var flags = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags")) ?? "" : "";
        return $"{name ?? "unknown"} ({(flags.Contains("avx512_bf16") ? "AVX-512 + AVX512-BF16" : flags.Contains("avx512f") ? "AVX-512" : flags.Contains("avx2") ? "AVX2" : "no AVX2")})";
    }
}
