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
            var (photo, painting) = Inputs(pair);
            var cells = new List<(string, Tensor)> { (pair.PhotoName, photo), (pair.PaintingName, painting) };
            cells.AddRange(plan.Candidates.Select(c => (c.Name, Result(rows, pair, c, photo))));
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
            var (photo, painting) = Inputs(pair);
            var panels = new List<(string, Tensor)> { ("photo", photo), ("painting", painting) };
            panels.AddRange(order.Select((c, i) => (Letter(i), Result(rows, pair, c, photo))));
            var sheet = $"{pair.Name}.png";
            ContactSheet.Save(Path.Combine(folder, sheet), panels, QualityBenchmark.CellHeight);
            key.Add(new { pair = pair.Name, sheet, letters = order.Select((c, i) => (Letter(i), c.Name)).ToDictionary(x => x.Item1, x => x.Name) });
        }
        var json = new { seed = plan.BlindSeed, pairs = key };
        File.WriteAllText(Path.Combine(folder, KeyFile), QualityReport.ToJson(json));
    }

    private static string Letter(int i) => ((char)('A' + i)).ToString();

    /// <summary>Photo and painting at the cell height, each with its own aspect ratio.</summary>
    private static (Tensor Photo, Tensor Painting) Inputs(QualityPair pair)
    {
        Tensor AtCellHeight(string file)
        {
            var size = ContactSheet.PanelSize(ImageLoader.ReadSize(file), QualityBenchmark.CellHeight);
            return ImageLoader.Load(file, size.Width, size.Height);
        }
        return (AtCellHeight(pair.Photo), AtCellHeight(pair.Painting));
    }

    /// <summary>The saved result of <paramref name="candidate"/> on <paramref name="pair"/>, at the photo cell's size.</summary>
    private static Tensor Result(IReadOnlyList<QualityRow> rows, QualityPair pair, QualityCandidate candidate, Tensor photo)
    {
        var size = ImageResize.SizeOf(photo);
        var row = rows.Single(r => r.Pair == pair && r.Candidate == candidate);
        return ImageLoader.Load(row.Image, size.Width, size.Height);
    }
}
