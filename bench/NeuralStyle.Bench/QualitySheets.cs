using NeuralStyle.Imaging;
using NeuralStyle.Reports;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Bench;

/// <summary>The pictures of <c>bench quality</c>: one grid with every result, and blind sheets for judging.</summary>
public static class QualitySheets
{
    public const string KeyFile = "key.json";

    /// <summary>One row per pair: photo, painting, then each candidate's result; columns headed with the candidate
    /// names. Cells are <see cref="QualityBenchmark.CellHeight"/> high; results are shown at the photo's
    /// aspect ratio (drawn at its size even if a candidate's sides differ by rounding), so every result column is as wide as the photo's.</summary>
    public static void Grid(string path, QualityPlan plan, IReadOnlyList<QualityRow> rows)
    {
        using var scope = torch.NewDisposeScope();
        var grid = plan.Pairs.Select(pair =>
        {
            var (photo, paintings) = Inputs(pair);
            var cells = new List<(string, Tensor)> { (pair.PhotoName, photo), (pair.PaintingName, SideBySide(paintings)) };
            // A published candidate with no result for this pair leaves its cell blank.
            cells.AddRange(plan.Candidates.Select(c => (c.Name, Result(rows, pair, c, photo) ?? torch.ones_like(photo))));
            return (IReadOnlyList<(string, Tensor)>)cells;
        }).ToList();
        ContactSheet.SaveGrid(path, ["photo", "painting", .. plan.Candidates.Select(c => c.Name)], grid, QualityBenchmark.CellHeight);
    }

    /// <summary>
    /// One sheet per pair (PAIR.png): the photo, the painting, then the results in an order shuffled per pair
    /// (seeded), labelled only A, B, C…; all results are drawn at the photo's size, so neither name nor
    /// size gives a candidate away. key.json maps each sheet's letters to candidates.
    /// </summary>
    public static void Blind(string folder, QualityPlan plan, IReadOnlyList<QualityRow> rows)
    {
        var random = new Random(plan.BlindSeed);
        var key = new List<object>();
        foreach (var pair in plan.Pairs)
        {
            using var scope = torch.NewDisposeScope();
            var order = plan.Candidates.ToArray();
            random.Shuffle(order);
            order = order.Where(c => rows.Any(r => r.Pair == pair && r.Candidate == c)).ToArray();
            var (photo, paintings) = Inputs(pair);
            var panels = new List<(string, Tensor)> { ("photo", photo) };
            panels.AddRange(paintings.Select((p, i) => (paintings.Count == 1 ? "painting" : $"painting {i + 1}", p)));
            panels.AddRange(order.Select((c, i) => (Letter(i), Result(rows, pair, c, photo)!)));
            var sheet = $"{pair.Name}.png";
            ContactSheet.Save(Path.Combine(folder, sheet), panels, QualityBenchmark.CellHeight);
            key.Add(new { pair = pair.Name, sheet, letters = order.Select((c, i) => (Letter(i), c.Name)).ToDictionary(x => x.Item1, x => x.Name) });
        }
        var json = new { seed = plan.BlindSeed, pairs = key };
        File.WriteAllText(Path.Combine(folder, KeyFile), QualityReport.ToJson(json));
    }

    private static string Letter(int i) => ((char)('A' + i)).ToString();

    /// <summary>Photo and paintings at the cell height, each with its own aspect ratio.</summary>
    private static (Tensor Photo, IReadOnlyList<Tensor> Paintings) Inputs(QualityPair pair)
    {
        Tensor AtCellHeight(string file)
        {
            var size = ContactSheet.PanelSize(ImageLoader.ReadSize(file), QualityBenchmark.CellHeight);
            return ImageLoader.Load(file, size.Width, size.Height);
        }
        return (AtCellHeight(pair.Photo), pair.Paintings.Select(AtCellHeight).ToList());
    }

    /// <summary>Images of one height side by side with a white gap, for one grid cell.</summary>
    private static Tensor SideBySide(IReadOnlyList<Tensor> images)
    {
        if (images.Count == 1) return images[0].alias();
        var gap = torch.ones(1, 3, images[0].shape[2], 8);
        return torch.cat(images.SelectMany((image, i) => i == 0 ? new[] { image } : [gap, image]).ToArray(), dim: 3);
    }

    /// <summary>The saved result of <paramref name="candidate"/> on <paramref name="pair"/> at the photo cell's size; null when
    /// it has none (a published candidate without this pair).</summary>
    private static Tensor? Result(IReadOnlyList<QualityRow> rows, QualityPair pair, QualityCandidate candidate, Tensor photo)
    {
        var size = ImageResize.SizeOf(photo);
        var row = rows.SingleOrDefault(r => r.Pair == pair && r.Candidate == candidate);
        return row is null ? null : ImageLoader.Load(row.Image, size.Width, size.Height);
    }
}
