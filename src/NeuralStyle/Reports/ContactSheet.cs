using NeuralStyle.Imaging;
using SkiaSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Reports;

/// <summary>
/// A PNG with the content, the style image(s) and the result side by side, each labelled underneath
/// (<c>--contact-sheet PATH</c>): one file to compare a run's input and output, or several runs; and grids
/// of such rows (<see cref="SaveGrid"/>, used by <c>bench quality</c>).
/// </summary>
public static class ContactSheet
{
    public const int Margin = 8;
    public const int LabelHeight = 24;

    /// <summary>The sheet's size for panels of these sizes scaled to <paramref name="panelHeight"/>.</summary>
    public static ImageSize Layout(IReadOnlyList<ImageSize> panels, int panelHeight)
    {
        var width = Margin + panels.Sum(p => PanelWidth(p, panelHeight) + Margin);
        return new ImageSize(width, Margin + panelHeight + LabelHeight + Margin);
    }

    /// <summary>The sheet of a run from files: the content photo, each style image (labelled with its file
    /// name) and the result.</summary>
    public static void SaveForRun(string path, string contentPath, IReadOnlyList<string> stylePaths, Tensor result, int panelHeight = 256)
    {
        CheckTarget("--contact-sheet", path);
        using var scope = TorchSharp.torch.NewDisposeScope();
        Tensor AtPanelHeight(string file)
        {
            var size = ImageLoader.ReadSize(file);
            return ImageLoader.Load(file, PanelWidth(size, panelHeight), panelHeight);
        }
        var panels = new List<(string, Tensor)> { ("content: " + Path.GetFileName(contentPath), AtPanelHeight(contentPath)) };
        panels.AddRange(stylePaths.Select(s => ("style: " + Path.GetFileName(s), AtPanelHeight(s))));
        panels.Add(("result", result));
        Save(path, panels, panelHeight);
    }

    /// <summary>Fails now, with a one-line error, if a report cannot be written at <paramref name="path"/>
    /// (not .png, or no such folder), so a long run does not end in an output it cannot write.</summary>
    public static void CheckTarget(string option, string path)
    {
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new NeuralStyleException($"{option} must be a .png file, not '{path}'");
        AtomicFile.ExistingFolderOf(path);
    }

    /// <summary>Draws and saves the sheet (atomically, like every output).</summary>
    /// <param name="panels">Labels and RGB images [1,3,H,W] in [0,1], left to right.</param>
    /// <param name="panelHeight">Every image is scaled to this height, keeping its aspect ratio.</param>
    public static void Save(string path, IReadOnlyList<(string Label, Tensor Image)> panels, int panelHeight = 256)
    {
        CheckTarget("--contact-sheet", path);
        if (panels.Count == 0) throw new ArgumentException("a contact sheet needs at least one image", nameof(panels));
        using var sheet = new Sheet(Layout(panels.Select(p => ImageResize.SizeOf(p.Image)).ToList(), panelHeight));
        var x = Margin;
        foreach (var (label, image) in panels)
        {
            var w = PanelWidth(ImageResize.SizeOf(image), panelHeight);
            sheet.Draw(image, x, Margin, w, panelHeight);
            sheet.Label(label, x, Margin + panelHeight + LabelHeight - 7, w);
            x += w + Margin;
        }
        sheet.Save(path);
    }

    /// <summary>The size of a <see cref="SaveGrid"/> sheet: every column as wide as its widest image scaled
    /// to <paramref name="cellHeight"/>; a heading strip on top, a caption strip under each row.</summary>
    /// <param name="rows">The images' sizes, one list per row, all rows as long.</param>
    public static ImageSize GridLayout(IReadOnlyList<IReadOnlyList<ImageSize>> rows, int cellHeight)
    {
        var widths = ColumnWidths(rows, cellHeight);
        return new ImageSize(Margin + widths.Sum(w => w + Margin), Margin + LabelHeight + rows.Count * (cellHeight + LabelHeight + Margin));
    }

    /// <summary>A grid of images with a heading above each column and a caption under each image; each image is
    /// scaled to <paramref name="cellHeight"/> (aspect ratio kept) and centred in its column.</summary>
    /// <param name="rows">Captions and RGB images [1,3,H,W] in [0,1], one per column in every row.</param>
    public static void SaveGrid(string path, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<(string Caption, Tensor Image)>> rows,
        int cellHeight = 256)
    {
        CheckTarget("grid", path);
        if (rows.Count == 0 || rows.Any(r => r.Count != columns.Count))
            throw new ArgumentException("a grid needs at least one row, each with one image per column", nameof(rows));
        var sizes = rows.Select(r => (IReadOnlyList<ImageSize>)r.Select(c => ImageResize.SizeOf(c.Image)).ToList()).ToList();
        var widths = ColumnWidths(sizes, cellHeight);
        using var sheet = new Sheet(GridLayout(sizes, cellHeight));
        var x = Margin;
        for (var c = 0; c < columns.Count; c++)
        {
            sheet.Label(columns[c], x, Margin + LabelHeight - 7, widths[c]);
            x += widths[c] + Margin;
        }
        var y = Margin + LabelHeight;
        foreach (var row in rows)
        {
            x = Margin;
            for (var c = 0; c < columns.Count; c++)
            {
                var w = PanelWidth(ImageResize.SizeOf(row[c].Image), cellHeight);
                sheet.Draw(row[c].Image, x + (widths[c] - w) / 2, y, w, cellHeight);
                sheet.Label(row[c].Caption, x, y + cellHeight + LabelHeight - 7, widths[c]);
                x += widths[c] + Margin;
            }
            y += cellHeight + LabelHeight + Margin;
        }
        sheet.Save(path);
    }

    private static int[] ColumnWidths(IReadOnlyList<IReadOnlyList<ImageSize>> rows, int cellHeight) =>
        Enumerable.Range(0, rows[0].Count).Select(c => rows.Max(r => PanelWidth(r[c], cellHeight))).ToArray();

    /// <summary>A white canvas with the report font: draws images and labels, then saves as PNG atomically.</summary>
    private sealed class Sheet : IDisposable
    {
        private readonly SKSurface _surface;
        private readonly SKTypeface? _typeface = ReportFonts.Load();
        private readonly SKFont? _font;
        private readonly SKPaint _ink = new() { Color = new SKColor(0x20, 0x20, 0x20), IsAntialias = true };

        public Sheet(ImageSize size)
        {
            _surface = SKSurface.Create(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Opaque))
                ?? throw new NeuralStyleException($"Not enough memory for a {size} contact sheet.");
            _surface.Canvas.Clear(SKColors.White);
            _font = _typeface is null ? null : new SKFont(_typeface, 14);
        }

        /// <summary>Draws <paramref name="image"/> resized to w×h with its top-left corner at (x, y).</summary>
        public void Draw(Tensor image, int x, int y, int w, int h)
        {
            // Resized with the library's antialiased bicubic filter, as everywhere else (see ImageResize).
            using var resized = ImageResize.ToSize(image, h, w);
            using var bitmap = PixelConversion.ToBitmap(resized);
            using var picture = SKImage.FromBitmap(bitmap);
            _surface.Canvas.DrawImage(picture, x, y, SKSamplingOptions.Default); // already the panel size
        }

        /// <summary>Draws a label left-aligned at (x, baseline), shortened to fit <paramref name="width"/>; nothing without a font.</summary>
        public void Label(string text, int x, int baseline, int width)
        {
            if (_font is not null) _surface.Canvas.DrawText(Fit(text, _font, width), x, baseline, SKTextAlign.Left, _font, _ink);
        }

        public void Save(string path)
        {
            using var snapshot = _surface.Snapshot();
            using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
            AtomicFile.Write(path, stream => data.SaveTo(stream));
        }

        public void Dispose()
        {
            _ink.Dispose();
            _font?.Dispose();
            _typeface?.Dispose();
            _surface.Dispose();
        }
    }

    /// <summary>The size of an image scaled to <paramref name="panelHeight"/>, aspect ratio kept, as sheets draw it.</summary>
    public static ImageSize PanelSize(ImageSize size, int panelHeight) => new(PanelWidth(size, panelHeight), panelHeight);

    private static int PanelWidth(ImageSize size, int panelHeight) =>
        Math.Max(1, (int)Math.Round(size.Width * (double)panelHeight / size.Height));

    /// <summary>Shortens a label with "…" until it fits the panel, so long file names do not run into the next.</summary>
    private static string Fit(string label, SKFont font, int width)
    {
        if (font.MeasureText(label) <= width) return label;
        for (var n = label.Length - 1; n > 0; n--)
        {
            var shorter = label[..n] + "…";
            if (font.MeasureText(shorter) <= width) return shorter;
        }
        return "";
    }
}
