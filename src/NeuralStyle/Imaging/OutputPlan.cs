using System.Text;

namespace NeuralStyle.Imaging;

/// <summary>What kind of file an output is, for the checks of its name.</summary>
public enum OutputKind
{
    /// <summary>An image in a format <see cref="OutputFormat"/> knows (.png, .jpg, .webp).</summary>
    Image,
    /// <summary>A PNG report (contact sheet, loss plot).</summary>
    Png,
    /// <summary>Any file name (a text log).</summary>
    Any,
}

/// <summary>An input the run reads (<paramref name="Role"/> names it in messages: "content image", "--weights").</summary>
public sealed record PlannedInput(string Role, string Path);

/// <summary>A file the user named as an output (<paramref name="Role"/>: "-o", "--log-json", …).</summary>
public sealed record PlannedOutput(string Role, string Path, OutputKind Kind);

/// <summary>
/// The one place that decides whether a run may write its outputs, checked before any work starts.
/// The rule: nothing the user did not name as an output is ever opened for writing. So every input
/// must be an existing regular file, and every output must
/// <list type="bullet">
/// <item>be a file name of a kind the writer supports, within NAME_MAX and PATH_MAX;</item>
/// <item>not be a folder, device, FIFO or socket, nor a symbolic link to a missing file (a link to a
/// file is written through, see <see cref="AtomicFile"/>);</item>
/// <item>lie in an existing folder where a file can be created (checked by creating and removing
/// one of our temporary files there: this catches permissions, read-only file systems and full
/// inode tables, as root too);</item>
/// <item>be a different file from every other output and from every input, compared by device and
/// inode (so symbolic links, "..", and hard links cannot disguise one file as two) and, for outputs
/// that do not exist yet, by their resolved folder and name.</item>
/// </list>
/// Every violation is one <see cref="NeuralStyleException"/> line naming the option(s) and path(s).
/// As a side effect, temporaries that killed neural-style processes left in the output folders are removed.
/// </summary>
public static class OutputPlan
{
    public static void Check(IReadOnlyList<PlannedInput> inputs, IReadOnlyList<PlannedOutput> outputs)
    {
        var inputFacts = inputs.Select(i => (Input: i, Facts: InputFile.Require(i.Path, $"{i.Role} '{i.Path}'"))).ToList();

        var seen = new List<(PlannedOutput Output, FileFacts Facts, string Resolved)>();
        var folders = new HashSet<string>();
        foreach (var output in outputs)
        {
            var (facts, resolved) = CheckOne(output);
            foreach (var (input, inFacts) in inputFacts)
                if (facts.SameFileAs(inFacts))
                    throw new NeuralStyleException(
                        $"{output.Role} '{output.Path}' is the same file as the {input.Role} '{input.Path}'; writing it would destroy that input, so choose another output name");
            foreach (var (other, otherFacts, otherResolved) in seen)
                if (facts.SameFileAs(otherFacts) || (!facts.Exists && resolved == otherResolved))
                    throw new NeuralStyleException(
                        $"{other.Role} '{other.Path}' and {output.Role} '{output.Path}' are the same file; give each output its own name");
            seen.Add((output, facts, resolved));
            var folder = Path.GetDirectoryName(resolved)!;
            if (folders.Add(folder))
            {
                AtomicFile.RemoveStaleTemporaries(folder);
                AtomicFile.Probe(resolved); // creatable: permissions, read-only file system, no inodes left
            }
        }
    }

    /// <summary>The output's facts (Missing when it does not exist yet) and the absolute path a write lands on.</summary>
    private static (FileFacts Facts, string Resolved) CheckOne(PlannedOutput output)
    {
        var path = output.Path;
        var what = $"{output.Role} '{path}'";
        if (string.IsNullOrWhiteSpace(path)) throw new NeuralStyleException($"{output.Role}: empty file name");
        if (path.Contains('\0')) throw new NeuralStyleException($"{what}: the path contains a NUL character");
        if (path.EndsWith('/') || Path.GetFileName(path) is "" or "." or "..")
            throw new NeuralStyleException($"{what} is not a file name");
        var name = Path.GetFileName(path);
        if (Encoding.UTF8.GetByteCount(name) > PosixFile.MaxNameBytes)
            throw new NeuralStyleException($"{what}: the file name is {Encoding.UTF8.GetByteCount(name)} bytes long; the limit is {PosixFile.MaxNameBytes}");
        switch (output.Kind)
        {
            case OutputKind.Image:
                OutputFormat.ForPath(path);
                break;
            case OutputKind.Png when !path.EndsWith(".png", StringComparison.OrdinalIgnoreCase):
                throw new NeuralStyleException($"{output.Role} must be a .png file, not '{path}'");
        }

        var full = Path.GetFullPath(path);
        var link = PosixFile.Stat(full, what, followLinks: false);
        var facts = link.Kind == PosixFileKind.SymbolicLink ? PosixFile.Stat(full, what) : link;
        if (link.Kind == PosixFileKind.SymbolicLink && !facts.Exists)
            throw new NeuralStyleException($"{what} is a symbolic link to a file that does not exist; refusing to create files through it");
        if (facts.Exists && facts.Kind != PosixFileKind.Regular)
            throw new NeuralStyleException(facts.Kind == PosixFileKind.Directory
                ? $"{what} is a folder; give a file name"
                : $"{what} is {PosixFile.Describe(facts.Kind)}, not a regular file; outputs are only written to regular files");

        var folder = Path.GetDirectoryName(full)!;
        var folderFacts = PosixFile.Stat(folder, $"{what}: its folder");
        if (folderFacts.Kind != PosixFileKind.Directory)
        {
            var named = output.Role == "-o" ? $"'{path}'" : what;
            throw new NeuralStyleException(folderFacts.Exists
                ? $"Cannot save {named}: '{folder}' is not a folder."
                : $"Cannot save {named}: the folder '{folder}' does not exist.");
        }
        var resolved = facts.Exists ? PosixFile.RealPath(full) ?? full : Path.Combine(PosixFile.RealPath(folder) ?? folder, name);
        return (facts, resolved);
    }
}

/// <summary>The intermediate images of <c>--save-every</c>: OUT_0100.png for step 100 of OUT.png.</summary>
public static class StepFiles
{
    public static string For(string path, int step) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}_{step:D4}{Path.GetExtension(path)}");

    /// <summary>
    /// The step files a run would write that need checking: every one that already exists (found by
    /// listing the folder, so a long run does not mean millions of paths) and the one with the longest
    /// name. Steps are <paramref name="every"/>, 2·every, … below <paramref name="lastStep"/>.
    /// </summary>
    public static IReadOnlyList<string> ToCheck(string path, int every, int lastStep)
    {
        if (every <= 0 || lastStep <= every) return [];
        var last = (lastStep - 1) / every * every;
        var result = new List<string> { For(path, last) };
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) return result;
        var stem = Path.GetFileNameWithoutExtension(path);
        var extension = Path.GetExtension(path);
        try
        {
            foreach (var file in Directory.EnumerateFileSystemEntries(folder, $"{stem}_*{extension}"))
            {
                var middle = Path.GetFileName(file)[(stem.Length + 1)..^extension.Length];
                if (middle.Length >= 4 && middle.All(char.IsAsciiDigit) && int.TryParse(middle, out var step)
                    && step % every == 0 && step > 0 && step <= last && For(path, step) is var name && !result.Contains(name))
                    result.Add(name);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder check that follows reports it.
        }
        return result;
    }
}
