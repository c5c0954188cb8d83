using System.Net;
using System.Text;
using NeuralStyle.Imaging;
using NeuralStyle.Reports;
using TorchSharp;

namespace NeuralStyle.Batch;

/// <summary>The batch's overview in its output folder: <c>index.html</c> (every result with its inputs' names, and
/// what failed and why) and <c>contact_sheet.png</c> (photos down, paintings across).</summary>
public static class BatchReport
{
    /// <summary>Writes both into <paramref name="folder"/> (whose <see cref="BatchFolder.Prepare"/> checked them).</summary>
    public static void Write(BatchFolder folder, IReadOnlyList<BatchItem> items, IReadOnlyList<BatchOutcome> outcomes)
    {
        var state = outcomes.ToDictionary(o => o.Item, o => o);
        folder.Write(folder.IndexPath, path => WriteIndex(path, items, state));
        if (items.Any(i => File.Exists(i.Output))) folder.Write(folder.SheetPath, path => WriteSheet(path, items));
    }

    private static void WriteIndex(string path, IReadOnlyList<BatchItem> items, Dictionary<BatchItem, BatchOutcome> state)
    {
        var html = new StringBuilder("<!doctype html>\n<meta charset=\"utf-8\"><title>neural-style batch</title>\n")
            .Append("<style>body{font-family:system-ui,sans-serif}figure{display:inline-block;margin:6px;width:260px;vertical-align:top}")
            .Append("img{max-width:256px;max-height:256px}figcaption{font-size:13px}.failed{color:#b3261e}</style>\n<h1>neural-style batch</h1>\n");
        foreach (var item in items)
        {
            var caption = WebUtility.HtmlEncode(item.Describe());
            var name = Path.GetFileName(item.Output);
            if (File.Exists(item.Output))
                html.Append($"<figure><a href=\"{Uri.EscapeDataString(name)}\"><img src=\"{Uri.EscapeDataString(name)}\" alt=\"{caption}\"></a><figcaption>{caption}</figcaption></figure>\n");
            else
            {
                var why = state.TryGetValue(item, out var o) && o.Error is { } error ? error : "not made";
                html.Append($"<figure class=\"failed\"><figcaption>{caption}: {WebUtility.HtmlEncode(why)}</figcaption></figure>\n");
            }
        }
        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(html.ToString())));
    }

    private static void WriteSheet(string path, IReadOnlyList<BatchItem> items)
    {
        var photos = items.Select(i => i.Photo).Distinct().ToList();
        var paintings = items.Select(i => i.Painting).Distinct().ToList();
        using var scope = torch.NewDisposeScope();
        const int cell = 160;
        var rows = new List<IReadOnlyList<(string, torch.Tensor)>>();
        foreach (var photo in photos)
        {
            var row = new List<(string, torch.Tensor)>();
            foreach (var painting in paintings)
            {
                var item = items.FirstOrDefault(i => i.Photo == photo && i.Painting == painting);
                row.Add(item is not null && File.Exists(item.Output)
                    ? (Path.GetFileName(photo), ImageLoader.Load(item.Output, cell))
                    : (item is null ? "" : $"{Path.GetFileName(photo)}: not made", torch.full(1, 3, cell, cell, 0.9f)));
            }
            rows.Add(row);
        }
        ContactSheet.SaveGrid(path, paintings.Select(Path.GetFileName).ToList()!, rows, cell);
    }
}
