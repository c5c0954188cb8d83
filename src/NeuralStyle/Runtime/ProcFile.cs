namespace NeuralStyle.Runtime;

/// <summary>Reads "Key:   value kB" lines of Linux /proc files (/proc/meminfo, /proc/self/status).</summary>
public static class ProcFile
{
    /// <summary>The value of <paramref name="key"/> in bytes, or null where the file or line cannot be read.</summary>
    /// <remarks>The kernel pads values to a column with spaces after a tab, so a large value follows the tab
    /// directly ("VmHWM:\t11492260 kB"): split on any whitespace, not on spaces.</remarks>
    public static long? ReadKilobytesAsBytes(string path, string key)
    {
        try
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal));
            if (line is null) return null;
            var fields = line[(key.Length + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && long.TryParse(fields[0], out var kilobytes) ? kilobytes * 1024 : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
