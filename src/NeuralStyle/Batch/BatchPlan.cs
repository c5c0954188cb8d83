using System.Text;
using NeuralStyle.Imaging;

namespace NeuralStyle.Batch;

/// <summary>
/// Which pictures a batch makes: every photo × every painting (files, or the images in folders), or the pairs of a
/// CSV file; each result named <c>PHOTO__PAINTING.png</c> in the output folder, so a name says what it is and a
/// re-run finds what is already done.
/// </summary>
public static class BatchPlan
{
    /// <summary>Extensions of the images taken from a folder (a file named explicitly is taken whatever its name).</summary>
    public static readonly IReadOnlyList<string> ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];

    /// <param name="output">The output folder: its own files (earlier results, index, sheet) are not taken from a folder of photos or paintings.</param>
    public static IReadOnlyList<BatchItem> Cross(IReadOnlyList<string> photos, IReadOnlyList<string> paintings, BatchFolder output, string extension = ".png")
    {
        var photoFiles = Expand(photos, "photo", output);
        var paintingFiles = Expand(paintings, "painting", output);
        return Named(photoFiles.SelectMany(p => paintingFiles.Select(s => (p, s))).ToList(), output.Path, extension);
    }

    /// <summary>Pairs from a CSV file: one "photo,painting" per line (paths relative to the CSV's folder; a header
    /// line naming photo and painting, blank lines and lines starting with # are left out).</summary>
    public static IReadOnlyList<BatchItem> FromCsv(string csv, BatchFolder output, string extension = ".png")
    {
        // A FIFO would block open(2) for good and /dev/zero never ends: only a regular file of bounded size is read.
        var what = $"--pairs file '{csv}'";
        InputFile.Require(csv, what);
        if (new FileInfo(csv).Length > MaxCsvBytes)
            throw new NeuralStyleException($"{what} is {new FileInfo(csv).Length >> 20} MiB; a pairs file may be at most {MaxCsvBytes >> 20} MiB");
        var folder = Path.GetDirectoryName(Path.GetFullPath(csv))!;
        var pairs = new List<(string, string)>();
        var number = 0;
        using var reader = new StreamReader(csv, Encoding.UTF8);
        while (ReadLine(reader, what, number + 1) is { } raw)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length != 2 || fields.Any(f => f.Length == 0))
                throw new NeuralStyleException($"--pairs {csv}, line {number}: expected 'photo,painting', found '{UserMessage.Excerpt(line)}'");
            if (number == 1 && fields[0].Equals("photo", StringComparison.OrdinalIgnoreCase)) continue;
            pairs.Add((Field(fields[0], "photo"), Field(fields[1], "painting")));
        }
        if (pairs.Count == 0) throw new NeuralStyleException($"--pairs {csv} has no pairs");
        return Named(pairs, output.Path, extension);

        // Each field checked before the batch starts, as files named on the command line are: a line of binary
        // bytes or a typo is one error naming its line, not a failed item per line after an hour of work.
        string Field(string text, string role)
        {
            var name = Unquote(text);
            var what = $"--pairs {csv}, line {number}: the {role} '{UserMessage.Excerpt(name)}'";
            if (name.Any(c => char.IsControl(c) || c == '\uFFFD'))
                throw new NeuralStyleException($"{what} is no file name (control characters or bytes that are not UTF-8)");
            InputFile.Require(Path.Combine(folder, name), what); // a regular file: not missing, a folder, a FIFO or a device
            return Path.Combine(folder, name);
        }
    }

    /// <summary>Far above a million pairs of ordinary paths; a file larger than this is not a list of pairs.</summary>
    private const long MaxCsvBytes = 256L << 20;

    /// <summary>Two paths of PATH_MAX, a comma and quotes fit; a longer line is refused before it is held whole.</summary>
    private const int MaxLineChars = 2 * PosixFile.MaxPathBytes + 16;

    private static string? ReadLine(StreamReader reader, string what, int number)
    {
        var line = new StringBuilder();
        while (reader.Read() is var c and >= 0)
        {
            if (c == '\n') return line.ToString();
            if (line.Length == MaxLineChars)
                throw new NeuralStyleException($"{what}, line {number}: longer than {MaxLineChars} characters; expected 'photo,painting'");
            line.Append((char)c);
        }
        return line.Length > 0 ? line.ToString() : null;
    }

    private static string Unquote(string field) => field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1] : field;

    /// <summary>Files as given; folders replaced by their images (sorted by name, not recursing).</summary>
    private static List<string> Expand(IReadOnlyList<string> paths, string role, BatchFolder output)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var images = Directory.EnumerateFiles(path)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !output.IsOwnFile(f))
                    .Order(StringComparer.Ordinal).ToList();
                if (images.Count == 0) throw new NeuralStyleException($"the {role} folder '{path}' has no images ({string.Join(", ", ImageExtensions)})");
                files.AddRange(images);
            }
            else if (File.Exists(path)) files.Add(path);
            else throw new NeuralStyleException($"{role} '{path}' does not exist");
        }
        return files.Distinct().ToList();
    }

    private static IReadOnlyList<BatchItem> Named(IReadOnlyList<(string Photo, string Painting)> pairs, string outputFolder, string extension)
    {
        var items = pairs.Select(p => new BatchItem(p.Photo, p.Painting,
            Path.Combine(outputFolder, $"{Stem(p.Photo)}__{Stem(p.Painting)}{extension}"))).ToList();
        // Two photos (or paintings) of the same name in different folders would write one file: say so before any work.
        foreach (var clash in items.GroupBy(i => i.Output).Where(g => g.Count() > 1))
            throw new NeuralStyleException(
                $"{clash.First().Describe()} and {clash.Skip(1).First().Describe()} would both be written to {clash.Key}; rename one of the inputs");
        return items;
    }

    /// <summary>The file name without extension, with characters that are awkward in file names replaced.</summary>
    internal static string Stem(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var clean = new string(stem.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray()).Trim('.');
        return clean.Length == 0 ? "image" : clean;
    }
}
