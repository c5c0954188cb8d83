using System.Diagnostics;
using NeuralStyle.Cli.Commands;
using NeuralStyle.Imaging;
using NeuralStyle.Reports;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench;

/// <summary>A photo and the painting to stylize it with, or several paintings blended with equal weights.</summary>
public sealed record QualityPair(string Photo, IReadOnlyList<string> Paintings)
{
    public string PhotoName => Path.GetFileNameWithoutExtension(Photo);
    /// <summary>starry_night, or the_scream+starry_night for a blend.</summary>
    public string PaintingName => string.Join("+", Paintings.Select(Path.GetFileNameWithoutExtension));
    public bool IsBlend => Paintings.Count > 1;
    /// <summary>For file names: tubingen-starry_night.</summary>
    public string Name => $"{PhotoName}-{PaintingName}";
    /// <summary>For tables: tubingen × starry_night.</summary>
    public string Title => $"{PhotoName} × {PaintingName}";

    /// <summary>PHOTO:PAINTING or PHOTO:PAINTING+PAINTING (a 0.5/0.5 blend), each a path or a file name (extension
    /// optional) found in one of <paramref name="folders"/>, searched in order. A missing image is a one-line error.</summary>
    public static QualityPair Parse(string text, IReadOnlyList<string> folders)
    {
        var parts = text.Split(':');
        var paintings = parts.Length == 2 ? parts[1].Split('+') : [];
        if (parts.Length != 2 || parts[0].Length == 0 || paintings.Length == 0 || paintings.Any(p => p.Length == 0))
            throw new NeuralStyleException($"--pair must be PHOTO:PAINTING or PHOTO:PAINTING+PAINTING, not '{text}'");
        return new QualityPair(Find(text, parts[0], folders), paintings.Select(p => Find(text, p, folders)).ToList());
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

/// <summary>A named setting, as the <c>stylize</c> options it was given (<see cref="Options"/>) and what they resolved to;
/// or, when <see cref="Published"/> is set, no setting at all but someone else's published results, scored and judged beside ours.</summary>
public sealed record QualityCandidate(string Name, string Options, StyleTransferSettings? Settings, string Description)
{
    /// <summary>For published results: the file of a pair, from a pattern with {photo} and {painting} (the pair's names) and an
    /// optional trailing * (e.g. a peer's taj_mahal__the_scream+starry-night_5_5.png); null = none for that pair.</summary>
    public Func<QualityPair, string?>? Published { get; init; }

    /// <summary><c>--content-mask</c> as the candidate gave it (a file, or <c>faces</c>: found in each pair's photo); null = none.</summary>
    public string? ContentMask { get; init; }
}

/// <param name="Seconds">Wall time of <see cref="StyleTransferSession.Stylize"/>: network, images, targets at every scale, all steps
/// (NaN for published results).</param>
/// <param name="Image">The saved result (PNG), or the published file.</param>
/// <param name="Copied">Per painting, the share of the result's patches copied from it (<see cref="CopyScorer"/>).</param>
/// <param name="Balance">For a blend: each painting's VGG style distance, the largest over the smallest (1 = both paintings equally
/// present, <see cref="QualityScorer.ScoreEach"/>); null for one painting.</param>
public sealed record QualityRow(QualityPair Pair, QualityCandidate Candidate, double Seconds, ImageSize Size, string Image,
    QualityScore Vgg, QualityScore ResNet, IReadOnlyList<double> Copied, double? Balance)
{
    /// <summary>The largest share copied from any of the paintings.</summary>
    public double Copy => Copied.Max();
}

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
        using var copies = new CopyScorer();
        var rows = new List<QualityRow>();
        foreach (var pair in plan.Pairs)
        foreach (var candidate in plan.Candidates)
        {
            if (candidate.Published is { } published)
            {
                if (published(pair) is not { } file) continue;
                log($"{pair.Title} · {candidate.Name} (published: {file})");
                using var image = ImageLoader.Load(file);
                rows.Add(Scored(pair, candidate, double.NaN, image, file));
                log("  " + QualityReport.Line(rows[^1]));
                continue;
            }
            log($"{pair.Title} · {candidate.Name} …");
            var settings = candidate.Settings!;
            var watch = Stopwatch.StartNew();
            var contentMask = ContentMasks.For(candidate.ContentMask, pair.Photo, log);
            using var result = StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(pair.Photo, pair.Paintings, settings, contentMask: contentMask));
            var seconds = watch.Elapsed.TotalSeconds;
            var saved = Path.Combine(plan.OutFolder, $"{pair.Name}-{candidate.Name}.png");
            ImageSaver.Save(result.Image, saved);
            rows.Add(Scored(pair, candidate, seconds, result.Image, saved));
            log("  " + QualityReport.Line(rows[^1]));
        }

        QualityRow Scored(QualityPair pair, QualityCandidate candidate, double seconds, TorchSharp.torch.Tensor image, string file)
        {
            var vggEach = vgg.ScoreEach(image, pair.Photo, pair.Paintings);
            return new QualityRow(pair, candidate, seconds, ImageResize.SizeOf(image), file,
                QualityScorer.Mean(vggEach), QualityScorer.Mean(resnet.ScoreEach(image, pair.Photo, pair.Paintings)),
                pair.Paintings.Select(p => copies.Score(image, p)).ToList(),
                pair.IsBlend ? Balance(vggEach.Select(s => s.Style).ToList()) : null);
        }

        if (rows.Count == 0) throw new NeuralStyleException("bench quality: no published result matches any pair, and there is no other candidate");
        QualityReport.Write(plan, rows);
        QualitySheets.Grid(Path.Combine(plan.OutFolder, GridFile), plan, rows);
        if (plan.BlindFolder is { } blind) QualitySheets.Blind(blind, plan, rows);
        return rows;
    }

    /// <summary>The largest of the paintings' style distances over the smallest: how much more of one painting a blend shows.</summary>
    private static double Balance(IReadOnlyList<double> distances) => distances.Max() / Math.Max(distances.Min(), 1e-12);
}
