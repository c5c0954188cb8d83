using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NeuralStyle.Batch;
using NeuralStyle.Transfer;
using NeuralStyle.Video;

namespace NeuralStyle.Tests.Hostile;

/// <summary>
/// The fuzzer over the tool's own formats (issue 20): the session checkpoint (<c>resume</c>), the video checkpoint
/// folder's manifest and the <c>batch --pairs</c> CSV. Byte mutations alone would mostly stop at a checkpoint's
/// SHA-256 or at a JSON parse, so half the cases are field mutations (a value out of range, negative, huge, of
/// another type, missing, duplicated) and a mutated checkpoint is sealed again with a valid checksum: the reader's
/// field checks, not only its checksum, are what is tried. Each case goes to the reader the CLI uses, in process;
/// a sample also through the whole CLI, in process and as a child process. Every case: loads or fails with one
/// <see cref="NeuralStyleException"/> line, within a time bound, and leaves the working folder as it was.
/// </summary>
public sealed partial class ReaderFuzzTests
{
    /// <summary>Every this-many-th format mutation also runs through the CLI as a child process.</summary>
    private const int ProcessEvery = 100;

    public static TheoryData<string> Formats => new(["session-checkpoint", "video-manifest", "pairs-csv"]);

    /// <summary>A valid file of the format, where it goes, whether it ends in a SHA-256 seal, its in-process reader and
    /// the CLI command that reads it (with the outputs that command may write when it succeeds).</summary>
    private sealed record FormatFile(byte[] Seed, string FileName, bool Sealed, Action<string> Read, string[]? CliArgs, string[] CliOutputs);

    private static FormatFile Format(string name, Workspace w)
    {
        switch (name)
        {
            case "session-checkpoint":
            {
                var made = HostileCli.InProcess(HostileCorpusTests.Resolve(
                    ["stylize", "{w}/c.png", "{w}/s.jpg", "-o", "{w}/r.png", "--model", "resnet18", "--size", "32", "--iterations", "3",
                     "--checkpoint", "{w}/f.nsckpt", "--checkpoint-every", "1"], w));
                Assert.Equal(0, made.ExitCode);
                var bytes = File.ReadAllBytes(w["f.nsckpt"]);
                return new(bytes, "f.nsckpt", Sealed: true, p =>
                    {
                        StyleTransferSession.ReadCheckpointInfo(p);
                        using var session = StyleTransferSession.Resume(p);
                    },
                    ["resume", w["f.nsckpt"]], ["r.png", "f.nsckpt"]);
            }
            case "video-manifest":
            {
                var folder = w["frames"];
                Directory.CreateDirectory(folder);
                var manifest = new VideoManifest
                {
                    InputPath = w["clip.mp4"], InputSha256 = new string('a', 64), StylePaths = [w["s.jpg"]], StyleSha256 = [new string('b', 64)],
                    StyleBlend = [1.0], FirstFrameSettings = "{\"Size\":32}", LaterFrameSettings = "{\"Size\":32}",
                    Width = 32, Height = 24, FrameRate = "25/1", FrameCount = 3,
                };
                File.Copy(w["c.png"], FrameFiles.PathOf(folder, 0));
                return new(Encoding.UTF8.GetBytes(manifest.ToJson()), "frames/" + VideoManifest.FileName, Sealed: false,
                    _ => VideoCheckpoint.Open(folder, manifest), null, []);
            }
            default:
                return new(Encoding.UTF8.GetBytes("photo,painting\nc.png,s.jpg\n# the same pair, quoted\n\"c.png\",\"s.jpg\"\n\ns2.png , c.png\n"),
                    "f.csv", Sealed: false, p => BatchPlan.FromCsv(p, BatchFolder.Open(w["out"])),
                    ["batch", "--pairs", w["f.csv"], "-o", w["out"], "--size", "32", "--iterations", "1", "--model", "resnet18"], ["out", "out/*"]);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Formats))]
    public async Task MutatedFormatsLoadOrFailInOneLine(string format)
    {
        using var w = new Workspace();
        var file = Format(format, w);
        var path = w[file.FileName];
        var replay = int.TryParse(Environment.GetEnvironmentVariable("NEURAL_STYLE_FUZZ_SEED"), out var only) ? only : (int?)null;
        var (loaded, refused, cli, processes) = (0, 0, 0, 0);
        for (var i = 0; i < Count; i++)
        {
            var mutationSeed = StableSeed(format, i);
            if (replay is { } r && r != mutationSeed) continue;
            var bytes = i % 2 == 0 ? Mutate(file.Seed, mutationSeed) : MutateFields(file.Seed, mutationSeed, file.Sealed);
            if (file.Sealed && i % 4 != 2) bytes = Reseal(bytes); // a quarter keep the checksum the bytes now fail
            File.WriteAllBytes(path, bytes);
            var where = $"{format} mutation seed {mutationSeed} (replay: NEURAL_STYLE_FUZZ_SEED={mutationSeed})";

            var before = w.Snapshot();
            if (await LoadsOrRefusesInOneLine(file.Read, path, where)) loaded++;
            else refused++;
            HostileAssert.Unchanged(before, w.Snapshot(), [], []);

            if (file.CliArgs is { } args && i % CliEvery == 0)
            {
                cli++;
                var run = HostileCli.InProcess(args);
                CleanRun(run, TimeSpan.FromSeconds(60));
                HostileAssert.Unchanged(before, w.Snapshot(), run.ExitCode == 0 ? file.CliOutputs : [], []);
                if (run.ExitCode == 0) File.WriteAllBytes(path, bytes); // resume rewrites its checkpoint
            }
            if (file.CliArgs is { } processArgs && i % ProcessEvery == 0)
            {
                processes++;
                before = w.Snapshot();
                var run = await HostileCli.AsProcess(processArgs, null, null, TimeSpan.FromSeconds(90));
                CleanRun(run, TimeSpan.FromSeconds(90));
                HostileAssert.Unchanged(before, w.Snapshot(), run.ExitCode == 0 ? file.CliOutputs : [], []);
            }
        }
        // The counts the README quotes come from here.
        Console.WriteLine($"fuzz {format}: {loaded + refused} mutations ({loaded} loaded, {refused} refused in one line), {cli} through the CLI in process, {processes} as a child process");
        Assert.True(loaded + refused > 0 || replay is not null);
        Assert.True(refused > 0 || replay is not null, $"{format}: no mutation was refused, so the fuzzer tried nothing hostile");
    }

    /// <summary>Success, or one error line; a batch may instead report items it could not make (a pair that names a
    /// file that is no image), one clean line each, as it does for photos named on the command line.</summary>
    private static void CleanRun(HostileRun run, TimeSpan limit)
    {
        if (run.ExitCode == 1 && run.StderrLines.Length > 0 && run.StderrLines.All(l => l.StartsWith("neural-style: failed: ", StringComparison.Ordinal)))
        {
            var all = run.Stdout + "\n" + string.Join("\n", run.StderrLines);
            foreach (var sign in new[] { "   at ", "Exception", "internal error" }) Assert.DoesNotContain(sign, all);
            Assert.All(run.StderrLines, line => Assert.DoesNotContain(line, char.IsControl));
            Assert.True(run.Elapsed < limit, $"took {run.Elapsed.TotalSeconds:F1} s, the bound is {limit.TotalSeconds} s");
            return;
        }
        HostileAssert.Clean(run, run.ExitCode == 0 ? 0 : 1, expect: null, limit);
    }

    /// <summary>The file with its last 32 bytes replaced by the SHA-256 of the rest (a checkpoint's seal).</summary>
    private static byte[] Reseal(byte[] bytes) =>
        bytes.Length < 32 ? bytes : [.. bytes[..^32], .. SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32))];

    /// <summary>One field of the JSON (the file, or a checkpoint's header) replaced by a hostile value, removed, or
    /// given twice.</summary>
    private static byte[] MutateFields(byte[] seed, int mutationSeed, bool checkpoint)
    {
        var random = new Random(mutationSeed);
        if (!checkpoint && seed[0] != (byte)'{') return Encoding.UTF8.GetBytes(MutateCsv(Encoding.UTF8.GetString(seed), random));
        if (!checkpoint) return Encoding.UTF8.GetBytes(MutateJson(Encoding.UTF8.GetString(seed), random));
        // Layout: magic, version (int32), header length (int64) and JSON, tensors, SHA-256.
        var headerAt = "NEURALSTYLE-CHECKPOINT\n".Length + 4;
        var length = (int)BitConverter.ToInt64(seed, headerAt);
        var json = MutateJson(Encoding.UTF8.GetString(seed, headerAt + 8, length), random);
        var newJson = Encoding.UTF8.GetBytes(json);
        return [.. seed[..headerAt], .. BitConverter.GetBytes((long)newJson.Length), .. newJson, .. seed[(headerAt + 8 + length)..]];
    }

    private static string MutateJson(string text, Random random)
    {
        if (JsonNode.Parse(text) is not JsonObject root) return text;
        var slots = new List<(JsonNode Parent, string? Key, int Index)>();
        void Collect(JsonNode node)
        {
            if (node is JsonObject o)
                foreach (var (key, value) in o.ToList()) { slots.Add((o, key, -1)); if (value is not null) Collect(value); }
            else if (node is JsonArray a)
                for (var k = 0; k < a.Count; k++) { slots.Add((a, null, k)); if (a[k] is { } item) Collect(item); }
        }
        Collect(root);
        var (parent, name, index) = slots[random.Next(slots.Count)];
        JsonNode?[] hostile =
        [
            null, -1, 0, -2147483648, 2147483647, long.MaxValue, 1e308, -1e308, "NaN", "", "x", new string('A', 100_000), true,
            new JsonArray(), new JsonArray(1, 2, 3), new JsonObject(), new JsonObject { ["a"] = 1 }, "../../etc/passwd", "\u001b[31m",
        ];
        var choice = random.Next(hostile.Length + 2);
        if (choice == hostile.Length) // removed
        {
            if (parent is JsonObject o) o.Remove(name!);
            else ((JsonArray)parent).RemoveAt(index);
            return root.ToJsonString();
        }
        if (choice == hostile.Length + 1 && parent is JsonObject && parent == root) // given twice: the text keeps both
        {
            var value = root[name!]?.ToJsonString() ?? "null";
            return "{" + System.Text.Json.JsonSerializer.Serialize(name) + ":" + value + "," + root.ToJsonString()[1..];
        }
        var replacement = choice < hostile.Length ? hostile[choice]?.DeepClone() : JsonValue.Create(-7);
        if (parent is JsonObject obj) obj[name!] = replacement;
        else ((JsonArray)parent)[index] = replacement;
        return root.ToJsonString();
    }

    /// <summary>One line of a pairs file with a field replaced, removed, multiplied or the line given twice.</summary>
    private static string MutateCsv(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        var at = random.Next(lines.Count);
        string[] hostile =
        [
            "", ",", ",,,", "\"", "\"c.png", "/dev/zero", "/dev/stdin", "/proc/self/mem", "..", "../../..", "nope.png", "c.png\0s.jpg",
            "\u001b]0;title\u0007", new string('p', 5000), "\uFEFFc.png", "\r", "c.png;s.jpg", "photo", "f.csv", "out", "notes.txt",
        ];
        var fields = lines[at].Split(',').ToList();
        switch (random.Next(4))
        {
            case 0: fields[random.Next(fields.Count)] = hostile[random.Next(hostile.Length)]; break;
            case 1: fields.RemoveAt(random.Next(fields.Count)); break;
            case 2: fields.Insert(random.Next(fields.Count + 1), hostile[random.Next(hostile.Length)]); break;
            default: lines.Insert(at, lines[at]); break;
        }
        lines[at] = string.Join(',', fields);
        return string.Join('\n', lines);
    }
}
