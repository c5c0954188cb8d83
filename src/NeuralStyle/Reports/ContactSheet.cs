using NeuralStyle.Imaging;
using SkiaSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Reports;

/// <summary>
/// A PNG with the content, the style image(s) and the result side by side, each labelled underneath
/// (<c>--contact-sheet PATH</c>): one file to compare a run's input and output, or several runs.
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
        var size = Layout(panels.Select(p => ImageResize.SizeOf(p.Image)).ToList(), panelHeight);

        using var surface = SKSurface.Create(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Opaque))
            ?? throw new NeuralStyleException($"Not enough memory for a {size} contact sheet.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = ReportFonts.Load();
        using var font = typeface is null ? null : new SKFont(typeface, 14);
        using var ink = new SKPaint { Color = new SKColor(0x20, 0x20, 0x20), IsAntialias = true };

        var x = Margin;
        foreach (var (label, image) in panels)
        {
            var w = PanelWidth(ImageResize.SizeOf(image), panelHeight);
            // Resized with the library's antialiased bicubic filter, as everywhere else (see ImageResize).
            using var resized = ImageResize.ToSize(image, panelHeight, w);
            using var bitmap = PixelConversion.ToBitmap(resized);
            using var picture = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(picture, x, Margin, SKSamplingOptions.Default); // already the panel size
            if (font is not null)
                canvas.DrawText(Fit(label, font, w), x, Margin + panelHeight + LabelHeight - 7, SKTextAlign.Left, font, ink);
            x += w + Margin;
        }

        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => data.SaveTo(stream));
    }

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
