using SkiaSharp;

namespace NeuralStyle.Reports;

/// <summary>
/// The font labels are drawn with. The SkiaSharp native build we ship (NoDependencies) has no fontconfig,
/// so asking for a family by name gives an empty typeface that draws nothing; fonts are therefore loaded
/// from files. Debian and Ubuntu install DejaVu Sans (fonts-dejavu-core) with almost any desktop or
/// TeX package; the others cover Fedora/Arch layouts and Liberation as a second choice.
/// </summary>
public static class ReportFonts
{
    public static readonly IReadOnlyList<string> Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    ];

    /// <summary>The first candidate file that exists, or null (labels are then left out).</summary>
    public static string? FindFile() => Candidates.FirstOrDefault(File.Exists);

    /// <summary>A typeface from <see cref="FindFile"/>, or null. The caller disposes it.</summary>
    public static SKTypeface? Load() => FindFile() is { } path ? SKTypeface.FromFile(path) : null;
}
