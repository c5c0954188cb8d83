using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NeuralStyle.Imaging;
using NeuralStyle.Reports;

namespace NeuralStyle.Bench;

/// <summary>The tables of <c>bench quality</c>: quality.md (Markdown) and quality.json.</summary>
public static class QualityReport
{
    public const string MarkdownFile = "quality.md";
    public const string JsonFile = "quality.json";

    /// <summary>What the score columns mean; printed in the Markdown file and the command's help.</summary>
    public const string Definitions =
        "Scores are distances (lower = closer), computed in fp32 on the result against the same photo (at the result's size) and "
        + "painting (same longest side, its own aspect ratio), by two fixed networks whatever network made the result. "
        + "style = unweighted mean over the style layers of the Gram matrix's relative error ‖G−A‖²/‖A‖² (G = F·Fᵀ/(H·W) of the "
        + "result, A of the painting); content = relative error ‖F−P‖²/‖P‖² of the content layer's features against the photo's. "
        + "vgg: the bundled VGG19 to conv3_4, style relu1_1, relu2_1, relu3_1, content relu3_2. "
        + "resnet: the bundled ResNet18, style conv1, layer1, layer2, layer3, layer4, content layer3 (at any size: the network pads to its stride). "
        + "seconds = wall time of the whole run (network, images, targets at every scale, all steps), not of scoring or saving. "
        + "copy = the share of the result's patches (relu3_1 cells of the bundled VGG, both images at 128 px) that are nearer their "
        + "nearest painting patch than any non-overlapping part of the painting is to it: pieces of the painting pasted in "
        + "(the largest share over a blend's paintings; 0 = none, the painting itself ≈ 1). "
        + "balance = for a blend, the largest of the result's vgg style distances to each painting alone over the smallest "
        + "(1 = both equally present).";

    public static string Line(QualityRow r) => Invariant(
        $"{r.Seconds:F1} s, {r.Size}, vgg style {r.Vgg.Style:F4} content {r.Vgg.Content:F4}, resnet style {r.ResNet.Style:F4} content {r.ResNet.Content:F4}, copy {r.Copy:F3}")
        + (r.Balance is { } b ? Invariant($", balance {b:F2}") : "");

    /// <summary>One row per pair × candidate, then one mean row per candidate over the pairs.</summary>
    public static string Table(IReadOnlyList<QualityCandidate> candidates, IReadOnlyList<QualityRow> rows)
    {
        var table = new StringBuilder();
        table.AppendLine("| pair | candidate | seconds | vgg style | vgg content | resnet style | resnet content | copy | balance |");
        table.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            table.AppendLine(Row(r.Pair.Title, r.Candidate.Name, r.Seconds, r.Vgg.Style, r.Vgg.Content, r.ResNet.Style, r.ResNet.Content, r.Copy, r.Balance));
        foreach (var c in candidates)
        {
            var mine = rows.Where(r => r.Candidate == c).ToList();
            if (mine.Count == 0) continue;
            var blends = mine.Where(r => r.Balance is not null).ToList();
            table.AppendLine(Row($"**mean of {mine.Count}**", $"**{c.Name}**", mine.Average(r => r.Seconds), mine.Average(r => r.Vgg.Style),
                mine.Average(r => r.Vgg.Content), mine.Average(r => r.ResNet.Style), mine.Average(r => r.ResNet.Content), mine.Average(r => r.Copy),
                blends.Count == 0 ? null : blends.Average(r => r.Balance!.Value)));
        }
        return table.ToString();
    }

    private static string Row(string pair, string candidate, double seconds, double vggStyle, double vggContent, double resStyle, double resContent,
        double copy, double? balance) =>
        Invariant($"| {pair} | {candidate} | {(double.IsNaN(seconds) ? "—" : seconds.ToString("F1", CultureInfo.InvariantCulture))} | {vggStyle:F4} | {vggContent:F4} | {resStyle:F4} | {resContent:F4} | {copy:F3} | {(balance is { } b ? b.ToString("F2", CultureInfo.InvariantCulture) : "")} |");

    public static void Write(QualityPlan plan, IReadOnlyList<QualityRow> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("# bench quality").AppendLine();
        md.AppendLine(Table(plan.Candidates, rows));
        md.AppendLine("Candidates:").AppendLine();
        foreach (var c in plan.Candidates)
            md.AppendLine($"- `{c.Name}` = `{c.Options}` → {c.Description}");
        md.AppendLine().AppendLine(Definitions).AppendLine();
        md.AppendLine($"Images: `PAIR-CANDIDATE.png` here; all of them side by side: `{QualityBenchmark.GridFile}`. Times are wall clock "
            + "on a machine possibly shared with other work, so compare them with care.");
        File.WriteAllText(Path.Combine(plan.OutFolder, MarkdownFile), md.ToString());

        object Score(QualityScore s) => new
        {
            style = s.Style,
            content = s.Content,
            styleLayers = s.StyleLayers.ToDictionary(l => l.Layer, l => l.Error),
            contentLayer = s.ContentLayer,
        };
        var json = new
        {
            definitions = Definitions,
            candidates = plan.Candidates.Select(c => new { name = c.Name, options = c.Options, settings = c.Description }),
            rows = rows.Select(r => new
            {
                pair = r.Pair.Name, photo = r.Pair.Photo, paintings = r.Pair.Paintings, candidate = r.Candidate.Name,
                seconds = double.IsNaN(r.Seconds) ? (double?)null : r.Seconds, width = r.Size.Width, height = r.Size.Height, image = Path.GetFileName(r.Image),
                vgg = Score(r.Vgg), resnet = Score(r.ResNet), copy = r.Copy, copied = r.Copied, balance = r.Balance,
            }),
            means = plan.Candidates.Select(c => rows.Where(r => r.Candidate == c).ToList()).Where(m => m.Count > 0).Select(m => new
            {
                candidate = m[0].Candidate.Name, pairs = m.Count, seconds = m.Average(r => r.Seconds) is var t && double.IsNaN(t) ? (double?)null : t,
                copy = m.Average(r => r.Copy),
                vgg = new { style = m.Average(r => r.Vgg.Style), content = m.Average(r => r.Vgg.Content) },
                resnet = new { style = m.Average(r => r.ResNet.Style), content = m.Average(r => r.ResNet.Content) },
            }),
        };
        File.WriteAllText(Path.Combine(plan.OutFolder, JsonFile), ToJson(json));
    }

    /// <summary>Indented JSON, non-ASCII characters (‖, ×) written as they are.</summary>
    public static string ToJson(object value) =>
        JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
