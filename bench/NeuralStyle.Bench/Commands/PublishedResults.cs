namespace NeuralStyle.Bench.Commands;

/// <summary>
/// <c>bench quality --published NAME=PATTERN</c>: a peer's published outputs as a candidate that is scored and judged like ours
/// but not run. The pattern names each pair's file by the pair's photo and painting names, so a peer's folder is used as it is.
/// </summary>
internal static class PublishedResults
{
    public static QualityCandidate Parse(string text)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0 || equals == text.Length - 1) throw new NeuralStyleException($"--published must be NAME=PATTERN, not '{text}'");
        var (name, pattern) = (text[..equals], text[(equals + 1)..]);
        if (!pattern.Contains("{photo}")) throw new NeuralStyleException($"--published {name}: the pattern needs {{photo}} (and usually {{painting}})");
        return new QualityCandidate(name, pattern, null, $"published results, {pattern}") { Published = pair => Find(pattern, pair) };
    }

    /// <summary>The file for a pair, or null; a trailing * matches any rest of the file name (the first in name order).</summary>
    private static string? Find(string pattern, QualityPair pair)
    {
        var path = pattern.Replace("{photo}", pair.PhotoName).Replace("{painting}", pair.PaintingName);
        if (!path.Contains('*')) return File.Exists(path) ? path : null;
        var folder = Path.GetDirectoryName(path) is { Length: > 0 } d ? d : ".";
        if (!Directory.Exists(folder)) return null;
        return Directory.GetFiles(folder, Path.GetFileName(path)).Order(StringComparer.Ordinal).FirstOrDefault();
    }
}
