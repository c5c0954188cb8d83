using System.Diagnostics;
using NeuralStyle.Imaging;
using NeuralStyle.Reports;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench;

/// <summary>A photo and a painting to stylize it with.</summary>
public sealed record QualityPair(string Photo, string Painting)
{
    public string PhotoName => Path.GetFileNameWithoutExtension(Photo);
    public string PaintingName => Path.GetFileNameWithoutExtension(Painting);
    /// <summary>For file names: tubingen-starry_night.</summary>
    public string Name => $"{PhotoName}-{PaintingName}";
    /// <summary>For tables: tubingen × starry_night.</summary>
    public string Title => $"{PhotoName} × {PaintingName}";

    /// <summary>PHOTO:PAINTING, each a path or a file name (extension optional) found in one of
    /// <paramref name="folders"/>, searched in order. A missing image is a one-line error.</summary>
    public static QualityPair Parse(string text, IReadOnlyList<string> folders)
    {
        var parts = text.Split(':');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0))
            throw new NeuralStyleException($"--pair must be PHOTO:PAINTING, not '{text}'");
        return new QualityPair(Find(text, parts[0], folders), Find(text, parts[1], folders));
    }

    private static readonly string[] Extensions = ["", ".jpg", ".jpeg", ".png", ".webp"];

    private static string Find(string pair, string name, IReadOnlyList<string> folders)
    {
        if (File.Exists(name)) return name;
        foreach (var folder in folders)
        foreach (var extension in Extensions)
            if (Path.Combine(folder, name + extension) is var path && File.Exists(path))
                return path;
        throw new NeuralStyleException(
            $"--pair {pair}: no image '{name}' in {string.Join(", ", folders)} (give a path, or the folders with --images)");
    }
}

/// <summary>A named setting, as the <c>stylize</c> options it was given (<see cref="Options"/>) and what they resolved to.</summary>
public sealed record QualityCandidate(string Name, string Options, StyleTransferSettings Settings, string Description);

/// <param name="Seconds">Wall time of <see cref="StyleTransferSession.Stylize"/>: network, images, targets at every scale, all steps.</param>
/// <param name="Image">The saved result (PNG).</param>
public sealed record QualityRow(QualityPair Pair, QualityCandidate Candidate, double Seconds, ImageSize Size, string Image,
    QualityScore Vgg, QualityScore ResNet);

/// <param name="BlindFolder">Where to write the blind sheets and key.json; null = none.</param>
public sealed record QualityPlan(IReadOnlyList<QualityPair> Pairs, IReadOnlyList<QualityCandidate> Candidates, string OutFolder,
    string? BlindFolder = null, int BlindSeed = 1);

/// <summary>
/// <c>neural-style bench quality</c>: every candidate setting on every photo × painting pair, timed, each
/// result scored by both yardstick networks (<see cref="QualityScorer"/>), then a table (quality.md,
/// quality.json), the images, one grid sheet and, on request, blind sheets.
/// </summary>
public static class QualityBenchmark
{
    public const int CellHeight = 256;
    public const string GridFile = "grid.png";

    public static IReadOnlyList<QualityRow> Run(QualityPlan plan, Action<string> log)
    {
        if (plan.Pairs.Count == 0 || plan.Candidates.Count == 0) throw new NeuralStyleException("bench quality needs at least one pair and one candidate");
        if (plan.Pairs.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1) is { } pairTwice)
            throw new NeuralStyleException($"--pair: {pairTwice.First().Title} is given twice");
        if (plan.Candidates.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1) is { } nameTwice)
            throw new NeuralStyleException($"--candidate {nameTwice.Key} is given twice");
        if (plan.BlindFolder is not null && plan.Candidates.Count > 26) throw new NeuralStyleException("--blind-sheets labels candidates A…Z: at most 26");
        Directory.CreateDirectory(plan.OutFolder);
        if (plan.BlindFolder is not null) Directory.CreateDirectory(plan.BlindFolder);

        // Built once, before any timing; fp32 whatever precision the candidates run in.
        using var vgg = QualityScorer.Vgg();
        using var resnet = QualityScorer.ResNet18();
        var rows = new List<QualityRow>();
        foreach (var pair in plan.Pairs)
        foreach (var candidate in plan.Candidates)
        {
            log($"{pair.Title} · {candidate.Name} …");
            var watch = Stopwatch.StartNew();
            using var result = StyleTransferSession.Stylize(candidate.Settings, StyleTransferInputs.FromFiles(pair.Photo, [pair.Painting], candidate.Settings));
            var seconds = watch.Elapsed.TotalSeconds;
            var image = Path.Combine(plan.OutFolder, $"{pair.Name}-{candidate.Name}.png");
            ImageSaver.Save(result.Image, image);
            var row = new QualityRow(pair, candidate, seconds, ImageResize.SizeOf(result.Image), image,
                vgg.Score(result.Image, pair.Photo, pair.Painting), resnet.Score(result.Image, pair.Photo, pair.Painting));
            rows.Add(row);
            log("  " + QualityReport.Line(row));
        }

        QualityReport.Write(plan, rows);
        QualitySheets.Grid(Path.Combine(plan.OutFolder, GridFile), plan, rows);
        if (plan.BlindFolder is { } blind) QualitySheets.Blind(blind, plan, rows);
        return rows;
    }
}
