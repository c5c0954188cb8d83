using NeuralStyle.Imaging;

namespace NeuralStyle.Batch;

/// <summary>
/// The one place that decides what a batch may write in its output folder, checked before any work starts:
/// <list type="bullet">
/// <item>the folder is resolved through symbolic links and known by device and inode, so a link to the photo folder
/// is that folder;</item>
/// <item>a result, <c>index.html</c> or <c>contact_sheet.png</c> that already exists is the batch's own only if its
/// <see cref="BatchRecord"/> says it wrote it and the file is unchanged: then a result is skipped (an interrupted
/// batch resumes) and the index and sheet are replaced. Anything else of those names (a user's photo, one of the
/// inputs, an empty file, a link, a folder) is refused in one line and never written over;</item>
/// <item>the files to write pass <see cref="OutputPlan"/> with every photo and painting as inputs;</item>
/// <item>folders being expanded into images leave out the batch's own files, so <c>-o</c> may be the photo folder.</item>
/// </list>
/// </summary>
public sealed class BatchFolder
{
    public const string IndexName = "index.html";
    public const string SheetName = "contact_sheet.png";

    private readonly BatchRecord _record;
    private readonly FileFacts _facts;
    private HashSet<BatchItem> _made = [];

    private BatchFolder(string path, FileFacts facts, BatchRecord record)
    {
        Path = path;
        _facts = facts;
        _record = record;
    }

    /// <summary>The folder, as resolved (every symbolic link followed).</summary>
    public string Path { get; }

    public string IndexPath => System.IO.Path.Combine(Path, IndexName);
    public string SheetPath => System.IO.Path.Combine(Path, SheetName);
    private string RecordPath => System.IO.Path.Combine(Path, BatchRecord.FileName);

    /// <summary>Resolves <paramref name="folder"/> (need not exist yet) and reads its record; nothing is written.</summary>
    public static BatchFolder Open(string folder)
    {
        var what = $"-o '{folder}'";
        var full = System.IO.Path.GetFullPath(folder);
        var link = PosixFile.Stat(full, what, followLinks: false);
        var facts = link.Kind == PosixFileKind.SymbolicLink ? PosixFile.Stat(full, what) : link;
        if (link.Kind == PosixFileKind.SymbolicLink && !facts.Exists)
            throw new NeuralStyleException($"{what} is a symbolic link to a folder that does not exist; refusing to create folders through it");
        if (facts.Exists && facts.Kind != PosixFileKind.Directory)
            throw new NeuralStyleException($"{what} is {PosixFile.Describe(facts.Kind)}; give a folder for the results");
        var resolved = facts.Exists ? PosixFile.RealPath(full) ?? full : full;
        return new BatchFolder(resolved, facts, facts.Exists ? BatchRecord.Load(System.IO.Path.Combine(resolved, BatchRecord.FileName)) : BatchRecord.Empty());
    }

    /// <summary>True for a file in this folder that the batch wrote itself (so not a photo or painting to take from it).</summary>
    public bool IsOwnFile(string path)
    {
        if (!_facts.Exists || !_record.Knows(System.IO.Path.GetFileName(path))) return false;
        var parent = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        return PosixFile.Stat(parent, $"'{parent}'").SameFileAs(_facts);
    }

    /// <summary>Decides, before any work, which items are already made (skipped) and checks everything the batch will
    /// write; creates the folder if it is missing. A one-line <see cref="NeuralStyleException"/> for anything refused.</summary>
    public void Prepare(IReadOnlyList<BatchItem> items)
    {
        var made = new HashSet<BatchItem>();
        var toWrite = new List<PlannedOutput>();
        foreach (var item in items)
        {
            if (Existing(item.Output, "a result") is { } own)
            {
                if (own) made.Add(item);
            }
            else toWrite.Add(new PlannedOutput("batch result", item.Output, OutputKind.Image));
        }
        Existing(IndexPath, "its index page");
        Existing(SheetPath, "its contact sheet");
        toWrite.AddRange([
            new PlannedOutput("batch index", IndexPath, OutputKind.Any),
            new PlannedOutput("contact sheet", SheetPath, OutputKind.Png),
            new PlannedOutput("batch record", RecordPath, OutputKind.Any),
        ]);
        // Inputs that are no regular file (missing, a FIFO) cannot be written over; they fail as their items, as a
        // corrupt photo does, and the rest of the batch goes on.
        var inputs = items.SelectMany(i => new[] { new PlannedInput("photo", i.Photo), new PlannedInput("painting", i.Painting) })
            .DistinctBy(i => i.Path).Where(i => PosixFile.Stat(i.Path, $"{i.Role} '{i.Path}'").Kind == PosixFileKind.Regular).ToList();
        Directory.CreateDirectory(Path);
        OutputPlan.Check(inputs, toWrite);
        _made = made;
    }

    /// <summary>Null when nothing is at <paramref name="path"/>; true when the batch wrote what is there; a refusal otherwise.</summary>
    private bool? Existing(string path, string role)
    {
        var facts = PosixFile.Stat(path, $"'{path}'", followLinks: false);
        if (!facts.Exists) return null;
        if (_record.Wrote(System.IO.Path.GetFileName(path), path)) return true;
        var what = facts.Kind == PosixFileKind.Regular
            ? new FileInfo(path).Length == 0 ? "an empty file" : "a file"
            : PosixFile.Describe(facts.Kind) + (facts.Kind == PosixFileKind.SymbolicLink && !PosixFile.Stat(path, $"'{path}'").Exists ? " to nothing" : "");
        throw new NeuralStyleException(
            $"'{path}' is {what} this batch did not write (not in its {BatchRecord.FileName}), where the batch would write {role}; " +
            "it is left alone: move it away or choose another -o folder");
    }

    /// <summary>True when the item's result was already there (checked by <see cref="Prepare"/>).</summary>
    public bool IsMade(BatchItem item) => _made.Contains(item);

    /// <summary>Writes a file of this folder: recorded as under way first (so a kill during the write still leaves it
    /// recognisable as ours), then with the hash of what landed.</summary>
    public void Write(string path, Action<string> write)
    {
        var name = System.IO.Path.GetFileName(path);
        _record.Writing(name);
        _record.Save(RecordPath);
        write(path);
        if (File.Exists(path)) _record.Written(name, path);
        _record.Save(RecordPath);
    }
}
