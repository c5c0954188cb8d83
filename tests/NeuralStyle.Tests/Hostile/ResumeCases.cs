using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace NeuralStyle.Tests.Hostile;

/// <summary>
/// Hostile cases of <c>resume</c> (issue 20): checkpoints that are whole (their SHA-256 matches) but say what no run
/// writes. Each is one line naming the checkpoint; before, some reached libtorch (exit 70 with its C++ backtrace and
/// the build machine's paths) or a dictionary lookup (exit 70).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class ResumeCases
{
    /// <summary>A real checkpoint of a 3-step run, r.png its output, stopped after step 2.</summary>
    private static void RealCheckpoint(Workspace w)
    {
        var run = HostileCli.InProcess(HostileCorpusTests.Resolve(
            ["stylize", "{w}/c.png", "{w}/s.jpg", "-o", "{w}/r.png", "--model", "resnet18", "--size", "32", "--iterations", "3",
             "--checkpoint", "{w}/run.nsckpt", "--checkpoint-every", "1"], w));
        Assert.Equal(0, run.ExitCode);
    }

    private static HostileCase Case(string name, string expect, Func<JsonNode, JsonNode>? header = null, Func<string, long[], long[]>? shape = null) =>
        new(name, ["resume", "{w}/run.nsckpt"], Expect: expect)
        {
            Setup = w =>
            {
                RealCheckpoint(w);
                CheckpointSurgery.Rewrite(w["run.nsckpt"], header, shape);
            },
        };

    public static IEnumerable<HostileCase> All()
    {
        yield return Case("resume: the image has negative dimensions (valid checksum)", "has a negative dimension",
            shape: (name, dims) => name == "image" ? [1, 3, -32, 21] : dims);
        yield return Case("resume: a tensor claims more values than the file holds", "is larger than the file",
            shape: (name, dims) => name == "image" ? [1, 3, 1 << 20, 1 << 20] : dims);
        yield return Case("resume: \"Inputs\": []", "names no inputs", header: h => { h["Inputs"] = new JsonArray(); return h; });
        yield return Case("resume: inputs without a content image", "names inputs no run has",
            header: h => { h["Inputs"]![0]!["Role"] = "style image 7"; return h; });
        yield return Case("resume: an input without its SHA-256", "without its role, name or SHA-256",
            header: h => { h["Inputs"]![0]!["Sha256"] = null; return h; });
        yield return Case("resume: settings of size -5", "holds settings no run can use",
            header: h => { h["Settings"]!["Size"] = -5; return h; });
        yield return Case("resume: no settings", "has no settings", header: h => { h["Settings"] = null; return h; });
        // Found by the fuzzer (ReaderFuzzTests.Formats): both reached the network's construction (exit 70).
        yield return Case("resume: the model's family given as a number no family has", "is corrupt",
            header: h => { h["Settings"]!["Model"]!["Family"] = 2147483647; return h; });
        yield return Case("resume: --model auto in the settings", "--model auto",
            header: h => { h["Settings"]!["Model"]!["Family"] = "Auto"; return h; });
        yield return Case("resume: negative steps", "negative steps", header: h => { h["StepsCompleted"] = -3; return h; });
    }
}

/// <summary>Rewrites a checkpoint's header or tensor shapes and seals it with a new, valid SHA-256 (the layout of
/// StyleTransferSession.Checkpoint: magic, version, header length and JSON, tensors, checksum).</summary>
public static class CheckpointSurgery
{
    public static void Rewrite(string path, Func<JsonNode, JsonNode>? header, Func<string, long[], long[]>? shape)
    {
        var bytes = File.ReadAllBytes(path);
        using var input = new BinaryReader(new MemoryStream(bytes[..^32]), Encoding.UTF8);
        using var body = new MemoryStream();
        using (var output = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            output.Write(input.ReadBytes("NEURALSTYLE-CHECKPOINT\n".Length + 4));
            var json = JsonNode.Parse(input.ReadBytes((int)input.ReadInt64()))!;
            var newJson = Encoding.UTF8.GetBytes((header?.Invoke(json) ?? json).ToJsonString());
            output.Write((long)newJson.Length);
            output.Write(newJson);
            var count = input.ReadInt32();
            output.Write(count);
            for (var i = 0; i < count; i++)
            {
                var name = input.ReadString();
                var dtype = input.ReadByte();
                var dims = new long[input.ReadInt32()];
                for (var d = 0; d < dims.Length; d++) dims[d] = input.ReadInt64();
                var data = input.ReadBytes((int)(dims.Aggregate(1L, (a, b) => a * b) * (dtype == 0 ? 4 : 1)));
                var written = shape?.Invoke(name, dims) ?? dims;
                output.Write(name);
                output.Write(dtype);
                output.Write(written.Length);
                foreach (var d in written) output.Write(d);
                output.Write(data);
            }
        }
        var sealedFile = body.ToArray();
        File.WriteAllBytes(path, [.. sealedFile, .. SHA256.HashData(sealedFile)]);
    }
}
