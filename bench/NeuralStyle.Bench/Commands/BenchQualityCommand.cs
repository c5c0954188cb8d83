using System.CommandLine;
using NeuralStyle.Bench;

namespace NeuralStyle.Bench.Commands;

/// <summary>
/// <c>neural-style bench quality</c>: candidate settings × photo/painting pairs, timed and scored by both bundled
/// networks (<see cref="QualityBenchmark"/>). This file only maps options.
/// </summary>
public static class BenchQualityCommand
{
    public static readonly string[] DefaultPairs =
    [
        "tubingen:starry_night", "tubingen:the_scream", "tubingen:shipwreck",
        "golden_gate:the_scream", "golden_gate:starry_night", "chelsea:starry_night",
    ];

    public static Command Create()
    {
        var pairs = new Option<string[]>("--pair")
        {
            Description = "PHOTO:PAINTING, a path or a name in the --images folders (extension optional); repeat for several.",
            DefaultValueFactory = _ => DefaultPairs,
        };
        var images = new Option<string[]>("--images")
        {
            Description = "Folders searched in order for --pair names (repeat for several). Default: ../shared/images, then examples/, "
                + "relative to the repository root (the folder above the current one or the program that holds NeuralStyle.slnx).",
        };
        var candidates = new Option<string[]>("--candidate")
        {
            Description = "NAME=\"stylize options\", e.g. resnet18=\"--model resnet18\" or b=\"--style-weight 50\"; read as stylize reads them. "
                + "Repeat for several. Default: two candidates, default (--model auto) and resnet18 (--model resnet18).",
            DefaultValueFactory = _ => ["default=", "resnet18=--model resnet18"],
        };
        var published = new Option<string[]>("--published")
        {
            Description = "NAME=PATTERN: someone else's published results as a candidate, scored and put on the sheets beside ours but not run; "
                + "PATTERN is a path with {photo} and {painting} (the pair's names, a blend's joined by +) and an optional trailing *, "
                + "e.g. peer=../shared/dev-set/peer-outputs/{photo}__{painting}*.png. Pairs without a file leave it out.",
        };
        var size = new Option<int>("--size") { Description = "Longest side of every result, unless a candidate sets its own.", DefaultValueFactory = _ => 512 };
        var threads = new Option<int>("--threads") { Description = "CPU threads (0 = one per core), unless a candidate sets its own.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Folder for quality.md, quality.json, PAIR-CANDIDATE.png and grid.png.", DefaultValueFactory = _ => "quality" };
        var blind = new Option<string?>("--blind-sheets") { Description = "Also write one sheet per pair with the results shuffled and labelled A, B, C… only, and key.json, into this folder." };
        var blindSeed = new Option<int>("--blind-seed") { Description = "Seed of the blind sheets' shuffle.", DefaultValueFactory = _ => 1 };
        var command = new Command("quality", "Run candidate settings on photo × painting pairs: wall time, and each result's style and content distance "
            + "under both bundled networks; writes a Markdown/JSON table, the images and a grid sheet. " + QualityReport.Definitions);
        foreach (var o in new Option[] { pairs, images, candidates, published, size, threads, output, blind, blindSeed }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var folders = parsed.GetValue(images) is { Length: > 0 } given ? given : DefaultImageFolders();
            var publishedResults = parsed.GetValue(published)!.Select(PublishedResults.Parse).ToList();
            // Published results alone (no --candidate given) are scored without running anything.
            var run = parsed.GetResult(candidates) is null or { Implicit: true } && publishedResults.Count > 0 ? [] : parsed.GetValue(candidates)!;
            var plan = new QualityPlan(
                parsed.GetValue(pairs)!.Select(p => QualityPair.Parse(p, folders)).ToList(),
                run.Select(c => CandidateSettings.Parse(c, parsed.GetValue(size), parsed.GetValue(threads),
                    notice => Console.WriteLine($"neural-style: {notice}"))).Concat(publishedResults).ToList(),
                parsed.GetValue(output)!, parsed.GetValue(blind), parsed.GetValue(blindSeed));
            foreach (var c in plan.Candidates) Console.WriteLine($"candidate {c.Name}: {c.Description}");
            var rows = QualityBenchmark.Run(plan, Console.WriteLine);
            Console.WriteLine();
            Console.Write(QualityReport.Table(plan.Candidates, rows));
            Console.WriteLine($"wrote {Path.Combine(plan.OutFolder, QualityReport.MarkdownFile)}, {QualityReport.JsonFile}, {QualityBenchmark.GridFile} and the images"
                + (plan.BlindFolder is { } b ? $"; blind sheets and {QualitySheets.KeyFile} in {b}" : ""));
            return 0;
        });
        return command;
    }

    private static string[] DefaultImageFolders()
    {
        var root = RepositoryRoot(Directory.GetCurrentDirectory()) ?? RepositoryRoot(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();
        return [Path.GetFullPath(Path.Combine(root, "..", "shared", "images")), Path.Combine(root, "examples")];
    }

    private static string? RepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NeuralStyle.slnx"))) return dir.FullName;
        return null;
    }
}
