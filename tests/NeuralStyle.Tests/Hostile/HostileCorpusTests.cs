using System.Diagnostics;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Hostile;

/// <summary>One hostile case: a stylize command line against a fresh <see cref="Workspace"/>.</summary>
/// <param name="Exit">Expected exit code: 1 (input or environment), 2 (command line), 0 (must work), 128+n (signal n).</param>
/// <param name="Expect">A fragment of the one error line (null for runs that must not print one).</param>
public sealed record HostileCase(string Name, string[] Args, int Exit = 1, string? Expect = null)
{
    /// <summary>Entries (relative to the workspace) that may change or appear: the outputs this case names.</summary>
    public string[] Outputs { get; init; } = [];
    /// <summary>Entries that must be gone afterwards (our own stale temporaries).</summary>
    public string[] Removed { get; init; } = [];
    public Action<Workspace>? Setup { get; init; }
    /// <summary>Run as a child process: signals, FIFOs, environment, anything that could hang the test host.</summary>
    public bool Process { get; init; }
    public Dictionary<string, string>? Environment { get; init; }
    public Func<Process, Workspace, Task>? WhileRunning { get; init; }
    public int Seconds { get; init; } = 60;
    /// <summary>The longest stderr line allowed (a message quotes untrusted text only as an excerpt).</summary>
    public int LongestLine { get; init; } = int.MaxValue;
    /// <summary>Undoes what <see cref="Setup"/> did outside the folder's files (a mount), run even when the case fails.</summary>
    public Action<Workspace>? Teardown { get; init; }
    /// <summary>Extra checks on the workspace after the run.</summary>
    public Action<Workspace>? Then { get; init; }

    public override string ToString() => Name;
}

/// <summary>
/// The hostile-input corpus (issue 10): every case runs <c>stylize</c> against a folder of the user's
/// files and asserts the exit code, exactly one <c>neural-style: error:</c> line (or none, for runs that
/// must work or are stopped by a signal), no stack trace, every file unchanged (SHA-256) except the
/// outputs the case names, no temporary left behind, and a time bound.
/// </summary>
[Collection(HostileCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostileCorpusTests
{
    private static readonly string[] Quick = ["--model", "resnet18", "--size", "32", "--iterations", "1"];

    /// <summary>c.png s.jpg -o out.png + the quick defaults, each overridable by <paramref name="extra"/>.
    /// Relative paths are in the workspace ({w}); "{w}/…" works anywhere.</summary>
    private static string[] Stylize(string content = "c.png", string style = "s.jpg", string? output = "out.png", params string[] extra)
    {
        static string InW(string p) => p.StartsWith('/') || p.StartsWith("{w}") || p.Length == 0 ? p : "{w}/" + p;
        var args = new List<string> { "stylize", InW(content), InW(style) };
        if (output is not null) args.AddRange(["-o", InW(output)]);
        for (var i = 0; i < Quick.Length; i += 2)
            if (!extra.Contains(Quick[i])) args.AddRange([Quick[i], Quick[i + 1]]);
        args.AddRange(extra);
        return args.ToArray();
    }

    private static string[] X(params string[] extra) => Stylize(extra: extra);

    private static async Task WaitFor(string path, Process process, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path) && !process.HasExited && clock.Elapsed.TotalSeconds < seconds) await Task.Delay(20);
    }

    private static readonly string LongName = new string('n', 251) + ".png"; // 255 bytes: NAME_MAX exactly
    private static readonly string TooLongName = new string('n', 252) + ".png";

    public static IEnumerable<HostileCase> All()
    {
        // ---- images ----
        yield return new("content missing", Stylize(content: "nope.png"), Expect: "does not exist");
        yield return new("content is a folder", Stylize(content: "dir"), Expect: "is a folder") { Setup = w => Directory.CreateDirectory(w["dir"]) };
        yield return new("content is a text file", Stylize(content: "notes.txt"), Expect: "is not an image");
        yield return new("content is empty", Stylize(content: "empty.png"), Expect: "is not an image") { Setup = w => File.WriteAllBytes(w["empty.png"], []) };
        yield return new("content truncated PNG", Stylize(content: "half.png"), Expect: "half.png") { Setup = w => Truncate(w, "c.png", "half.png", 0.5) };
        yield return new("style truncated JPEG", Stylize(style: "half.jpg"), Expect: "half.jpg") { Setup = w => Truncate(w, "s.jpg", "half.jpg", 0.5) };
        yield return new("style is the PNG signature only", Stylize(style: "sig.png"), Expect: "is not an image") { Setup = w => File.WriteAllBytes(w["sig.png"], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) };
        yield return new("content FIFO", Stylize(content: "fifo.png"), Expect: "FIFO") { Setup = w => HostileFiles.MakeFifo(w["fifo.png"]), Process = true, Seconds = 20 };
        yield return new("style FIFO", Stylize(style: "fifo.jpg"), Expect: "FIFO") { Setup = w => HostileFiles.MakeFifo(w["fifo.jpg"]), Process = true, Seconds = 20 };
        yield return new("content /dev/zero", Stylize(content: "/dev/zero"), Expect: "is a device");
        yield return new("style /dev/null", Stylize(style: "/dev/null"), Expect: "is a device");
        yield return new("content /dev/stdin", Stylize(content: "/dev/stdin"), Expect: "not a regular file") { Process = true, Seconds = 20 };
        yield return new("style symlink to a missing file", Stylize(style: "dangling.jpg"), Expect: "does not exist") { Setup = w => File.CreateSymbolicLink(w["dangling.jpg"], w["gone.jpg"]) };
        yield return new("content symlink loop", Stylize(content: "loop.png"), Expect: "symbolic links") { Setup = w => File.CreateSymbolicLink(w["loop.png"], w["loop.png"]) };
        yield return new("content path over PATH_MAX", Stylize(content: "{w}/" + string.Join("/", Enumerable.Repeat(new string('d', 200), 22)) + "/c.png"), Expect: "path is too long");
        yield return new("content name over NAME_MAX", Stylize(content: new string('c', 300) + ".png"), Expect: "too long");
        yield return new("content header claims 50000×50000", Stylize(content: "claims.png"), Expect: "above the limit") { Setup = w => File.WriteAllBytes(w["claims.png"], Imaging.TestPictures.PngClaimingSize(50000, 50000)) };
        yield return new("content header claims 0×0", Stylize(content: "zero.png"), Expect: "zero.png") { Setup = w => File.WriteAllBytes(w["zero.png"], Imaging.TestPictures.PngClaimingSize(0, 0)) };
        yield return new("style 10000×10000 PNG of 15 KB works at 32 px", Stylize(style: "huge.png"), Exit: 0) { Setup = w => File.WriteAllBytes(w["huge.png"], HostileFiles.HugeBlankPng(10000, 10000)), Outputs = ["out.png"], Process = true, Seconds = 120 };
        yield return new("content 100000×1000 PNG (one pixel high at the coarse scales) works", Stylize(content: "tall.png", extra: ["--size", "64", "--iterations", "3"]), Exit: 0)
        {
            Setup = w => File.WriteAllBytes(w["tall.png"], HostileFiles.HugeBlankPng(100_000, 1000)), Outputs = ["out.png"], Process = true, Seconds = 180,
        };
        // Memory bounds (issue 20): an image's cost is estimated from its header and checked against --max-memory before it is decoded.
        yield return new("content 10000×10000 PNG of 15 KB refused from its header within --max-memory 2GiB", Stylize(content: "huge.png", extra: ["--max-memory", "2GiB"]),
            Expect: "huge.png' is 10000×10000 px (100 megapixels); loading it needs about")
        {
            Setup = w => File.WriteAllBytes(w["huge.png"], HostileFiles.HugeBlankPng(10000, 10000)), Process = true,
        };
        yield return new("style 10000×10000 PNG of 15 KB refused from its header within --max-memory 2GiB", Stylize(style: "huge.png", extra: ["--max-memory", "2GiB"]),
            Expect: "more than --max-memory 2.0 GiB; raise --max-memory or use a smaller image")
        {
            Setup = w => File.WriteAllBytes(w["huge.png"], HostileFiles.HugeBlankPng(10000, 10000)), Process = true,
        };
        yield return new("content 10000×10000 JPEG at 32 px works within --max-memory 2GiB (decoded at an eighth)", Stylize(content: "huge.jpg", extra: ["--max-memory", "2GiB"]), Exit: 0)
        {
            Setup = w => File.WriteAllBytes(w["huge.jpg"], HostileFiles.HugeBlankJpeg(10000, 10000)), Outputs = ["out.png"], Process = true, Seconds = 120,
        };
        yield return new("same painting twice works", Stylize(extra: []) .Append("{w}/s.jpg").ToArray(), Exit: 0) { Outputs = ["out.png"] };
        yield return new("mask missing", X("--mask-pairs", "{w}/nomask.png:{w}/s.jpg"), Expect: "does not exist");
        yield return new("mask pair without colon", X("--mask-pairs", "{w}/c.png"), Expect: "--mask-pairs");
        yield return new("mask all black", X("--mask-pairs", "{w}/black.png:{w}/s.jpg"), Expect: "no white pixels") { Setup = w => BlackPng(w["black.png"]) };
        yield return new("mask is a FIFO", X("--mask-pairs", "{w}/m.fifo:{w}/s.jpg"), Expect: "FIFO") { Setup = w => HostileFiles.MakeFifo(w["m.fifo"]), Process = true, Seconds = 20 };
        yield return new("--init file missing", X("--init", "{w}/start.png"), Expect: "does not exist");
        yield return new("--init is a FIFO", X("--init", "{w}/start.png"), Expect: "FIFO") { Setup = w => HostileFiles.MakeFifo(w["start.png"]), Process = true, Seconds = 20 };
        yield return new("--init is a text file", X("--init", "{w}/notes.txt"), Expect: "is not an image");

        // ---- options ----
        yield return new("size 0", X("--size", "0"), Expect: "--size must be between 16 and 8192");
        yield return new("size negative", X("--size", "-5"), Expect: "--size must be between");
        yield return new("size 100000", X("--size", "100000"), Expect: "--size must be between");
        yield return new("size abc", X("--size", "abc"), Exit: 2, Expect: "as a whole number");
        yield return new("size beyond int", X("--size", "99999999999"), Exit: 2, Expect: "--size");
        yield return new("iterations negative", X("--iterations", "-1"), Expect: "--iterations must be ≥ 0");
        yield return new("style weight Infinity", X("--style-weight", "Infinity"), Expect: "--style-weight must be a finite number ≥ 0");
        yield return new("style weight NaN", X("--style-weight", "NaN"), Expect: "--style-weight must be a finite number");
        yield return new("style weight negative", X("--style-weight", "-1"), Expect: "--style-weight must be a finite number ≥ 0");
        yield return new("content weight 1e400", X("--content-weight", "1e400"), Expect: "--content-weight must be a finite number");
        yield return new("tv weight NaN", X("--tv-weight", "NaN"), Expect: "--tv-weight must be a finite number");
        yield return new("style weight 1e39 overflows float32", X("--style-weight", "1e39", "--iterations", "2"), Expect: "is not finite at step 1");
        yield return new("style weight 1e39 keeps the earlier log", X("--style-weight", "1e39", "--log-json", "{w}/log.jsonl"), Expect: "is not finite");
        yield return new("learning rate 0", X("--learning-rate", "0"), Expect: "--learning-rate must be a positive number");
        yield return new("learning rate Infinity", X("--learning-rate", "Infinity"), Expect: "--learning-rate must be a positive number");
        yield return new("threads 100000", X("--threads", "100000"), Expect: "--threads must be between 0");
        yield return new("threads negative", X("--threads", "-1"), Expect: "--threads must be between 0");
        yield return new("threads int max", X("--threads", "2147483647"), Expect: "--threads must be between 0");
        yield return new("ema 1", X("--ema", "1"), Expect: "--ema must be in [0, 1)");
        yield return new("ema NaN", X("--ema", "NaN"), Expect: "--ema must be in [0, 1)");
        yield return new("style scale 0", X("--style-scale", "0"), Expect: "--style-scale");
        yield return new("style scale NaN", X("--style-scale", "NaN"), Expect: "--style-scale");
        yield return new("style scale 1e308", X("--style-scale", "1e308"), Expect: "--style-scale");
        yield return new("style blend count", X("--style-blend", "1,2"), Expect: "--style-blend: 2 weights for 1 style images");
        yield return new("style blend negative", Stylize(extra: ["--style-blend", "-1,2"]).Append("{w}/s2.png").ToArray(), Expect: "--style-blend: weights must be ≥ 0");
        yield return new("scales 99", X("--scales", "99"), Expect: "--scales must be auto or between 1 and");
        yield return new("lbfgs history 0", X("--lbfgs-history", "0"), Expect: "--lbfgs-history must be between 1 and 1000");
        yield return new("lbfgs history 100000", X("--lbfgs-history", "100000"), Expect: "--lbfgs-history must be between 1 and 1000");
        yield return new("optimizer sgd", X("--optimizer", "sgd"), Expect: "--optimizer must be lbfgs or adam");
        yield return new("pooling foo", X("--pooling", "foo"), Expect: "--pooling must be max or avg");
        yield return new("preset foo", X("--preset", "foo"), Expect: "unknown preset 'foo'");
        yield return new("precision fp8", X("--precision", "fp8"), Expect: "fp8");
        yield return new("model vgg11", X("--model", "vgg11"), Expect: "unknown model 'vgg11'");
        yield return new("style layers empty", X("--style-layers", ""), Expect: "layer");
        yield return new("content layer unknown", X("--content-layer", "nope"), Expect: "no layer 'nope'");
        yield return new("style trim 0.5", X("--style-trim", "0.5"), Expect: "--style-trim must be between 0 and 0.25");
        yield return new("style octaves 9", X("--style-octaves", "9"), Expect: "--style-octaves must be between 1 and 4");
        yield return new("content octave -1", X("--content-octave", "-1"), Expect: "--content-octave must be between 0 and 3");
        yield return new("save every negative", X("--save-every", "-1"), Expect: "--save-every must be ≥ 0");
        yield return new("unknown option", X("--frobnicate"), Exit: 2, Expect: "Unrecognized command or argument '--frobnicate'");
        yield return new("no -o", Stylize(output: null), Exit: 2, Expect: "'--output' is required");
        yield return new("noise blend 2", X("--init", "noise-blend:2"), Expect: "noise-blend");
        yield return new("seed abc", X("--seed", "abc"), Exit: 2, Expect: "--seed");
        yield return new("iterations 0 leaves the earlier log", X("--iterations", "0", "--log-json", "{w}/log.jsonl"), Exit: 0) { Outputs = ["out.png"] };

        // ---- weights and ONNX files ----
        yield return new("weights is a folder", X("--model", "vgg19", "--weights", "{w}/dir"), Expect: "is a folder") { Setup = w => Directory.CreateDirectory(w["dir"]) };
        yield return new("weights random bytes", X("--model", "vgg19", "--weights", "{w}/random.pth", "--style-layers", "relu1_1", "--content-layer", "relu1_1"), Expect: "is not a PyTorch checkpoint") { Setup = w => Random(w["random.pth"], 4096) };
        yield return new("weights empty", X("--model", "vgg19", "--weights", "{w}/empty.pth", "--style-layers", "relu1_1", "--content-layer", "relu1_1"), Expect: "empty.pth") { Setup = w => File.WriteAllBytes(w["empty.pth"], []) };
        yield return new("weights text", X("--model", "vgg19", "--weights", "{w}/notes.txt", "--style-layers", "relu1_1", "--content-layer", "relu1_1"), Expect: "notes.txt");
        yield return new("weights truncated zip", X("--model", "vgg19", "--weights", "{w}/cut.pth", "--style-layers", "relu1_1", "--content-layer", "relu1_1"), Expect: "cut.pth") { Setup = w => { HostileFiles.TinyCheckpoint(w["full.pth"]); Truncate(w, "full.pth", "cut.pth", 0.6); } };
        yield return new("weights lack the layer", X("--model", "vgg19", "--weights", "{w}/tiny.pth", "--style-layers", "relu2_1", "--content-layer", "relu2_1"), Expect: "tiny.pth") { Setup = w => HostileFiles.TinyCheckpoint(w["tiny.pth"], zip: false) };
        yield return new("weights /dev/zero", X("--model", "vgg19", "--weights", "/dev/zero"), Expect: "is a device");
        yield return new("weights FIFO", X("--model", "vgg19", "--weights", "{w}/w.fifo"), Expect: "FIFO") { Setup = w => HostileFiles.MakeFifo(w["w.fifo"]), Process = true, Seconds = 20 };
        yield return new("resnet18 weights random", X("--weights", "{w}/random.onnx"), Expect: "random.onnx") { Setup = w => Random(w["random.onnx"], 2048) };
        yield return new("vgg19-conv3 layer too deep", X("--model", "vgg19-conv3", "--style-layers", "relu4_1", "--content-layer", "relu3_1"), Expect: "relu4_1");
        yield return new("onnx text file without layers", X("--model", "onnx:{w}/notes.txt"), Expect: "is not an ONNX model");
        yield return new("onnx missing", X("--model", "onnx:{w}/none.onnx", "--style-layers", "r", "--content-layer", "r"), Expect: "does not exist");
        yield return new("onnx folder", X("--model", "onnx:{w}/dir", "--style-layers", "r", "--content-layer", "r"), Expect: "is a folder") { Setup = w => Directory.CreateDirectory(w["dir"]) };
        yield return new("onnx empty", X("--model", "onnx:{w}/e.onnx", "--style-layers", "r", "--content-layer", "r"), Expect: "is not an ONNX model") { Setup = w => File.WriteAllBytes(w["e.onnx"], []) };
        yield return new("onnx initializer smaller than its dims", X("--model", "onnx:{w}/m.onnx", "--style-layers", "r", "--content-layer", "r"), Expect: "holds 10 values but its dims") { Setup = w => File.WriteAllBytes(w["m.onnx"], HostileFiles.OnnxWithWeight([4, 3, 3, 3], 10)) };
        yield return new("onnx negative dims", X("--model", "onnx:{w}/m.onnx", "--style-layers", "r", "--content-layer", "r"), Expect: "negative dimension") { Setup = w => File.WriteAllBytes(w["m.onnx"], HostileFiles.OnnxWithWeight([4, -3, 3, 3], 108)) };
        yield return new("onnx huge dims", X("--model", "onnx:{w}/m.onnx", "--style-layers", "r", "--content-layer", "r"), Expect: "values") { Setup = w => File.WriteAllBytes(w["m.onnx"], HostileFiles.OnnxWithWeight([1L << 40, 1L << 30, 3, 3], 108)) };
        yield return new("onnx 100001 Relu nodes", X("--model", "onnx:{w}/m.onnx", "--style-layers", "r100000", "--content-layer", "r100000"), Expect: "100001 nodes; at most") { Setup = w => File.WriteAllBytes(w["m.onnx"], HostileFiles.ReluChain(100_001)) };
        yield return new("onnx unknown layer", X("--model", "onnx:{w}/m.onnx", "--style-layers", "nope", "--content-layer", "r"), Expect: "nope") { Setup = w => File.WriteAllBytes(w["m.onnx"], HostileFiles.TinyOnnx()) };
        yield return new("onnx unsupported op", X("--model", "onnx:{w}/m.onnx", "--style-layers", "s", "--content-layer", "s"), Expect: "not supported")
        {
            Setup = w => File.WriteAllBytes(w["m.onnx"], Google.Protobuf.MessageExtensions.ToByteArray(HostileFiles.TinyNetwork().Node("Softmax", ["r"], "s").Output("s").Build())),
        };
        // A graph's cost is counted from the graph (a 3000-node chain holds 9000 values a pixel, not 200) before it runs at the requested size.
        yield return new("onnx 3000-node chain ending in a global pool refused within --max-memory 2GiB", X("--model", "onnx:{w}/m.onnx", "--style-layers", "r2999", "--content-layer", "g", "--size", "512", "--max-memory", "2GiB"),
            Expect: "but the budget is 2.0 GiB, and")
        {
            Setup = w => File.WriteAllBytes(w["m.onnx"], Google.Protobuf.MessageExtensions.ToByteArray(HostileFiles.ReluChainGraph(3000).Node("GlobalAveragePool", ["r2999"], "g").Output("g").Build())),
            Process = true,
        };
        yield return new("onnx tiny network works", X("--model", "onnx:{w}/m.onnx", "--style-layers", "r", "--content-layer", "c"), Exit: 0) { Setup = w => File.WriteAllBytes(w["m.onnx"], HostileFiles.TinyOnnx()), Outputs = ["out.png"] };

        // ---- outputs and paths ----
        yield return new("-o is the content", Stylize(output: "c.png"), Expect: "is the same file as the content image");
        yield return new("-o is the style", Stylize(output: "{w}/s.jpg"), Expect: "is the same file as the style image");
        yield return new("-o symlink to the content", Stylize(output: "link.png"), Expect: "is the same file as the content image") { Setup = w => File.CreateSymbolicLink(w["link.png"], w["c.png"]) };
        yield return new("-o hard link to the content", Stylize(output: "hard.png"), Expect: "is the same file as the content image") { Setup = w => HostileFiles.HardLink(w["c.png"], w["hard.png"]) };
        yield return new("-o through .. to the content", Stylize(output: "{w}/sub/../c.png"), Expect: "is the same file as the content image") { Setup = w => Directory.CreateDirectory(w["sub"]) };
        yield return new("-o is the --init image", X("--init", "{w}/out.png"), Expect: "is the same file as the --init image");
        yield return new("-o is a mask", X("--mask-pairs", "{w}/out.png:{w}/s.jpg"), Expect: "is the same file as the --mask-pairs mask");
        yield return new("-o is the weights", X("--model", "onnx:{w}/out.png", "--style-layers", "r", "--content-layer", "r"), Expect: "out.png");
        yield return new("--log-json is the content", X("--log-json", "{w}/c.png"), Expect: "--log-json '{w}/c.png' is the same file as the content image");
        yield return new("--log-json /dev/null", X("--log-json", "/dev/null"), Expect: "is a device");
        yield return new("--log-json is -o", X("--log-json", "{w}/out.png"), Expect: "are the same file");
        yield return new("--log-json is a FIFO", X("--log-json", "{w}/log.fifo"), Expect: "FIFO") { Setup = w => HostileFiles.MakeFifo(w["log.fifo"]) };
        yield return new("--log-json in a missing folder", X("--log-json", "{w}/none/log.jsonl"), Expect: "does not exist");
        yield return new("--log-json kept when the style fails", Stylize(style: "notes.txt", extra: ["--log-json", "{w}/log.jsonl"]), Expect: "is not an image");
        yield return new("--plot-losses is -o", X("--plot-losses", "{w}/out.png"), Expect: "are the same file");
        yield return new("--contact-sheet is -o", X("--contact-sheet", "{w}/out.png"), Expect: "are the same file");
        yield return new("--contact-sheet is --plot-losses", X("--contact-sheet", "{w}/r.png", "--plot-losses", "{w}/./r.png"), Expect: "are the same file");
        yield return new("--plot-losses is the style", Stylize(style: "s2.png", extra: ["--plot-losses", "{w}/s2.png"]), Expect: "is the same file as the style image");
        yield return new("--plot-losses not png", X("--plot-losses", "{w}/p.jpg"), Expect: "must be a .png file");
        yield return new("--save-every would overwrite the content", Stylize(content: "out_0001.png", extra: ["--save-every", "1", "--iterations", "3"]), Expect: "is the same file as the content image") { Setup = w => File.Copy(w["c.png"], w["out_0001.png"]) };
        yield return new("--save-every step file is a folder", X("--save-every", "1", "--iterations", "3"), Expect: "is a folder") { Setup = w => Directory.CreateDirectory(w["out_0002.png"]) };
        yield return new("-o folder missing", Stylize(output: "none/out.png"), Expect: "does not exist");
        yield return new("-o is a folder", Stylize(output: "dir"), Expect: "dir") { Setup = w => Directory.CreateDirectory(w["dir"]) };
        yield return new("-o ends in a slash", Stylize(output: "dir/"), Expect: "dir") { Setup = w => Directory.CreateDirectory(w["dir"]) };
        yield return new("-o extension tiff", Stylize(output: "out.tiff"), Expect: "unsupported extension '.tiff'");
        yield return new("-o empty", Stylize(output: ""), Expect: "");
        yield return new("-o is a FIFO", Stylize(output: "o.fifo.png"), Expect: "FIFO") { Setup = w => HostileFiles.MakeFifo(w["o.fifo.png"]) };
        yield return new("-o /dev/null", Stylize(output: "/dev/null"), Expect: "/dev/null");
        yield return new("-o dangling symlink", Stylize(output: "dangling.png"), Expect: "symbolic link to a file that does not exist") { Setup = w => File.CreateSymbolicLink(w["dangling.png"], w["gone.png"]) };
        yield return new("-o in a folder inside a file", Stylize(output: "notes.txt/out.png"), Expect: "notes.txt");
        yield return new("-o in /proc (cannot create)", Stylize(output: "/proc/neural-style-out.png"), Expect: "/proc/neural-style-out.png");
        yield return new("-o name of 256 bytes", Stylize(output: TooLongName), Expect: "the limit is 255");
        yield return new("-o name of 255 bytes works", Stylize(output: LongName), Exit: 0) { Outputs = [LongName] };
        yield return new("-o symlink to a file is written through", Stylize(output: "link.png"), Exit: 0)
        {
            Setup = w => { File.Copy(w["out.png"], w["target.png"]); File.CreateSymbolicLink(w["link.png"], w["target.png"]); },
            Outputs = ["target.png"],
            Then = w => Assert.Equal(w["target.png"], new FileInfo(w["link.png"]).LinkTarget),
        };
        yield return new("stale temporaries of dead runs are removed", X(), Exit: 0)
        {
            Setup = w => { File.WriteAllText(w[".neural-style-999999999-deadbeef.tmp"], "x"); File.WriteAllText(w[$".neural-style-{Environment.ProcessId}-0000beef.tmp"], "mine"); },
            Outputs = ["out.png", $".neural-style-{Environment.ProcessId}-0000beef.tmp"],
            Removed = [".neural-style-999999999-deadbeef.tmp"],
        };
        yield return new("-o unwritable folder", Stylize(output: "ro/out.png"), Expect: "permission denied")
        {
            Setup = w =>
            {
                Directory.CreateDirectory(w["ro"]);
                File.SetUnixFileMode(w["ro"], UnixFileMode.UserRead | UnixFileMode.UserExecute);
                // Root writes in any folder whatever its mode; an immutable folder (chattr +i) refuses even root.
                if (Environment.UserName == "root") Immutable.Set(w["ro"]);
            },
        };
        yield return new("all outputs written in one run", X("--iterations", "2", "--save-every", "1", "--log-json", "{w}/new.jsonl", "--plot-losses", "{w}/p.png", "--contact-sheet", "{w}/sheet.png"), Exit: 0)
        {
            Outputs = ["out.png", "out_0001.png", "new.jsonl", "p.png", "sheet.png"],
            Then = w => Assert.Equal(2, File.ReadAllLines(w["new.jsonl"]).Length),
        };

        // ---- environment ----
        var cacheIsFile = new Dictionary<string, string> { ["NEURAL_STYLE_CACHE"] = "/etc/hostname" };
        yield return new("cache variable names a file", X("--model", "auto"), Exit: 0) { Environment = cacheIsFile, Process = true, Outputs = ["out.png"] };
        yield return new("no HOME nor XDG_CACHE_HOME", X("--model", "auto"), Exit: 0)
        {
            Environment = new() { ["HOME"] = "", ["XDG_CACHE_HOME"] = "", ["NEURAL_STYLE_CACHE"] = "" }, Process = true, Outputs = ["out.png"],
        };
        yield return new("TMPDIR missing", X(), Exit: 0) { Environment = new() { ["TMPDIR"] = "/nonexistent/tmp" }, Process = true, Outputs = ["out.png"] };
        yield return new("Turkish culture parses numbers invariantly", X("--style-weight", "0.5", "--style-scale", "1.5"), Exit: 0)
        {
            Environment = new() { ["LANG"] = "tr_TR.UTF-8", ["LC_ALL"] = "tr_TR.UTF-8", ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "0" }, Process = true, Outputs = ["out.png"],
        };
        yield return new("OMP_NUM_THREADS nonsense", X(), Exit: 0) { Environment = new() { ["OMP_NUM_THREADS"] = "-7" }, Process = true, Outputs = ["out.png"] };

        // ---- signals ----
        yield return new("SIGTERM while loading", X("--iterations", "1000"), Exit: 143)
        {
            Process = true, Seconds = 20,
            WhileRunning = async (p, _) => { await Task.Delay(100); CliProcess.Signal(p, CliProcess.Sigterm); },
        };
        yield return new("two SIGTERMs in a row", X("--iterations", "1000"), Exit: 143)
        {
            Process = true, Seconds = 20,
            WhileRunning = async (p, _) => { await Task.Delay(100); CliProcess.Signal(p, CliProcess.Sigterm); CliProcess.Signal(p, CliProcess.Sigterm); },
        };
        yield return new("SIGINT while loading keeps the earlier result", X("--iterations", "1000", "--log-json", "{w}/log.jsonl"), Exit: 130)
        {
            Process = true, Seconds = 20,
            WhileRunning = async (p, _) => { await Task.Delay(100); CliProcess.Signal(p, CliProcess.Sigint); },
        };
        yield return new("SIGINT after a step saves the image so far", X("--iterations", "100000", "--save-every", "1", "--log-json", "{w}/new.jsonl"), Exit: 130)
        {
            Process = true, Seconds = 60, Outputs = ["out.png", "out_*.png", "new.jsonl"],
            WhileRunning = async (p, w) => { await WaitFor(w["out_0001.png"], p); CliProcess.Signal(p, CliProcess.Sigint); },
            Then = w => Assert.True(File.ReadAllLines(w["new.jsonl"]).Length >= 1),
        };
        yield return new("SIGTERM after a step, then another", X("--iterations", "100000", "--save-every", "1"), Exit: 143)
        {
            Process = true, Seconds = 60, Outputs = ["out.png", "out_*.png"],
            WhileRunning = async (p, w) => { await WaitFor(w["out_0001.png"], p); CliProcess.Signal(p, CliProcess.Sigterm); await Task.Delay(5); CliProcess.Signal(p, CliProcess.Sigterm); },
        };
        yield return new("SIGHUP after a step", X("--iterations", "100000", "--save-every", "1"), Exit: 129)
        {
            Process = true, Seconds = 60, Outputs = ["out.png", "out_*.png"],
            WhileRunning = async (p, w) => { await WaitFor(w["out_0001.png"], p); CliProcess.Signal(p, 1); },
        };
        yield return new("SIGKILL during --save-every leaves nothing a rerun keeps", X("--iterations", "100000", "--save-every", "1"), Exit: 137)
        {
            Process = true, Seconds = 60, Outputs = ["out.png", "out_*.png", ".neural-style-*.tmp"],
            WhileRunning = async (p, w) => { await WaitFor(w["out_0003.png"], p); CliProcess.Signal(p, 9); },
            // Whatever the kill left, the next run in that folder removes.
            Then = w =>
            {
                var again = HostileCli.InProcess(Resolve(X(), w));
                Assert.Equal(0, again.ExitCode);
                Assert.Empty(Directory.GetFiles(w.Path, ".neural-style-*"));
            },
        };

        // ---- a full disk (issue 20): a 64 KiB tmpfs, filled up ----
        yield return new("full disk: -o out.png", Stylize(output: "tiny/out.png"), Expect: "no space left on the device of")
        {
            Process = true, // a crash (as before: an IOException inside Skia's native write callback) must not take the test host
            Setup = w => FullDisk.Mount(w["tiny"]), Teardown = w => FullDisk.Unmount(w["tiny"]),
        };
        yield return new("full disk: -o out.jpg", Stylize(output: "tiny/out.jpg"), Expect: "no space left on the device of")
        {
            Process = true, // a crash (as before: an IOException inside Skia's native write callback) must not take the test host
            Setup = w => FullDisk.Mount(w["tiny"]), Teardown = w => FullDisk.Unmount(w["tiny"]),
        };
        yield return new("full disk: -o over an existing file keeps it", Stylize(output: "tiny/old.png"), Expect: "no space left on the device of '{w}/tiny'; the earlier file is kept")
        {
            Process = true, // a crash (as before: an IOException inside Skia's native write callback) must not take the test host
            Setup = w => FullDisk.Mount(w["tiny"], keep: ("old.png", File.ReadAllBytes(w["c.png"]))), Teardown = w => FullDisk.Unmount(w["tiny"]),
        };
        yield return new("full disk: --log-json", X("--log-json", "{w}/tiny/log.jsonl", "--iterations", "3"), Expect: "no space left on the device of")
        {
            Process = true, // a crash (as before: an IOException inside Skia's native write callback) must not take the test host
            Setup = w => FullDisk.Mount(w["tiny"]), Teardown = w => FullDisk.Unmount(w["tiny"]),
        };

        // ---- models inspect (issue 20): values freed after their last use, and held within --max-memory ----
        yield return new("models inspect a 3000-node chain holds a few values, not 3000", ["models", "inspect", "{w}/m.onnx", "--size", "224", "--all", "--max-memory", "64MiB"], Exit: 0)
        {
            Setup = w => File.WriteAllBytes(w["m.onnx"], HostileFiles.ReluChain(3000)),
        };
        yield return new("models inspect ResNet18 at --size 2048 within --max-memory 64MiB", ["models", "inspect", global::NeuralStyle.Onnx.ResNet18Network.BundledPath, "--size", "2048", "--max-memory", "64MiB"],
            Expect: "need more than 64 MiB") { Process = true };
        yield return new("models inspect ResNet18 at --size 8192 refused within --max-memory 2GiB before it runs", ["models", "inspect", global::NeuralStyle.Onnx.ResNet18Network.BundledPath, "--size", "8192", "--max-memory", "2GiB"],
            Expect: "at 8192×8192 its values need more than 2048 MiB (about 16.") { Process = true };
        yield return new("models inspect a 3000-node chain at --size 8192 refused within --max-memory 2GiB before it runs", ["models", "inspect", "{w}/m.onnx", "--size", "8192", "--max-memory", "2GiB"],
            Expect: "at 8192×8192 its values need more than 2048 MiB (about")
        {
            Setup = w => File.WriteAllBytes(w["m.onnx"], HostileFiles.ReluChain(3000)), Process = true,
        };
        yield return new("models inspect ResNet18 at --size 65536 refused within what the machine has", ["models", "inspect", global::NeuralStyle.Onnx.ResNet18Network.BundledPath, "--size", "65536"],
            Expect: "at 65536×65536 its values need more than") { Process = true }; // about 1 TiB
        yield return new("models inspect --max-memory nonsense", ["models", "inspect", "{w}/m.onnx", "--max-memory", "lots"], Expect: "is not a size")
        {
            Setup = w => File.WriteAllBytes(w["m.onnx"], HostileFiles.TinyOnnx()),
        };

        // ---- the other commands (issue 20) ----
        foreach (var c in BatchCases.All()) yield return c;
        foreach (var c in ServiceCases.All()) yield return c;
        foreach (var c in WorkerCases.All()) yield return c;
        foreach (var c in ResumeCases.All()) yield return c;
        foreach (var c in VideoCases.All()) yield return c;
    }

    private static void Truncate(Workspace w, string from, string to, double fraction)
    {
        var bytes = File.ReadAllBytes(w[from]);
        File.WriteAllBytes(w[to], bytes[..(int)(bytes.Length * fraction)]);
    }

    private static void Random(string path, int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
    }

    private static void BlackPng(string path)
    {
        using var black = new SkiaSharp.SKBitmap(48, 32);
        black.Erase(SkiaSharp.SKColors.Black);
        File.WriteAllBytes(path, Imaging.TestPictures.EncodePng(black));
    }

    private static readonly Dictionary<string, HostileCase> ByName = All().ToDictionary(c => c.Name);

    public static TheoryData<string> Names => new(ByName.Keys);

    internal static string[] Resolve(string[] args, Workspace w) => args.Select(a => a.Replace("{w}", w.Path)).ToArray();

    [Fact]
    public void TheCorpusHasAtLeast80Cases() => Assert.True(ByName.Count >= 80, $"{ByName.Count} cases");

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task FailsPlainlyAndChangesNothing(string name)
    {
        var c = ByName[name];
        using var w = new Workspace();
        try
        {
            c.Setup?.Invoke(w);
            var before = w.Snapshot();
            var args = Resolve(c.Args, w);
            var limit = TimeSpan.FromSeconds(c.Seconds);
            var run = c.Process || c.Environment is not null || c.WhileRunning is not null
                ? await HostileCli.AsProcess(args, c.Environment?.ToDictionary(e => e.Key, e => e.Value.Replace("{w}", w.Path)), c.WhileRunning is null ? null : p => c.WhileRunning(p, w), limit)
                : HostileCli.InProcess(args);
            var after = w.Snapshot();

            HostileAssert.Clean(run, c.Exit, c.Expect is null ? null : c.Expect.Replace("{w}", w.Path), limit);
            HostileAssert.Unchanged(before, after, c.Outputs, c.Removed);
            Assert.All(run.StderrLines, line => Assert.True(line.Length <= c.LongestLine, $"a stderr line of {line.Length} characters"));
            c.Then?.Invoke(w);
        }
        finally
        {
            c.Teardown?.Invoke(w);
        }
    }
}

/// <summary>The assertions every hostile case and every fuzzed file goes through.</summary>
public static class HostileAssert
{
    public static void Clean(HostileRun run, int exit, string? expect, TimeSpan limit)
    {
        var all = run.Stdout + "\n" + string.Join("\n", run.StderrLines);
        Assert.DoesNotContain("   at ", all);         // no stack trace
        Assert.DoesNotContain("Exception", all);      // no exception type name
        Assert.DoesNotContain("internal error", all); // no bug caught by the last-resort handler
        Assert.True(run.Elapsed < limit, $"took {run.Elapsed.TotalSeconds:F1} s, the bound is {limit.TotalSeconds} s");
        // Escape sequences from file names or file contents must not reach the terminal raw.
        Assert.All(run.StderrLines, line => Assert.DoesNotContain(line, char.IsControl));
        var errors = run.StderrLines.Where(l => l.StartsWith("neural-style: error:")).ToList();
        Assert.True(exit == run.ExitCode, $"exit code {run.ExitCode}, expected {exit}; stderr: {string.Join(" | ", run.StderrLines)}");
        if (exit is 1 or 2)
        {
            var line = Assert.Single(run.StderrLines);
            Assert.StartsWith("neural-style: error: ", line);
            if (expect is not null) Assert.Contains(expect, line);
        }
        else
            Assert.Empty(errors);
    }

    public static void Unchanged(Dictionary<string, string> before, Dictionary<string, string> after, string[] outputs, string[] removed)
    {
        bool IsOutput(string entry) => outputs.Any(o => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(o, entry));
        foreach (var (entry, hash) in before)
        {
            if (removed.Contains(entry)) { Assert.False(after.ContainsKey(entry), $"{entry} should have been removed"); continue; }
            if (IsOutput(entry)) continue;
            Assert.True(after.TryGetValue(entry, out var now), $"{entry} was deleted");
            Assert.True(hash == now, $"{entry} was changed");
        }
        foreach (var entry in after.Keys.Where(e => !before.ContainsKey(e)))
            Assert.True(IsOutput(entry), $"{entry} was created but is no output of this case");
        Assert.DoesNotContain(after.Keys, e => e.EndsWith(".tmp") && !IsOutput(e) && !before.ContainsKey(e));
    }
}
