using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuralStyle.Imaging;
using NeuralStyle.Losses;
using NeuralStyle.Networks;
using NeuralStyle.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Transfer;

/// <summary>An input as a checkpoint records it: its role, how it was named, its file (null for an image
/// that was in memory) and the SHA-256 of its content.</summary>
public sealed record CheckpointInput(string Role, string Name, string? Path, string Sha256);

/// <summary>What a checkpoint says about its run, read without its tensors.</summary>
/// <param name="FrontEnd">Whatever the program that wrote it stored with it (the CLI: its output path and interval).</param>
public sealed record CheckpointInfo(StyleTransferSettings Settings, IReadOnlyList<CheckpointInput> Inputs, IReadOnlyList<double>? StyleBlend,
    int ScaleIndex, int ScaleStep, int StepsCompleted, IReadOnlyDictionary<string, string> FrontEnd);

/// <summary>
/// Checkpoints: everything needed to go on from where a session is, in one file written atomically
/// (temporary file, then rename). The settings, the inputs (paths and SHA-256), the scale and step, the
/// image, the optimiser's full state, the moving average, the random generator and the loss history.
/// A resumed session continues bit for bit as the original would have (same threads).
/// </summary>
/// <remarks>
/// Layout: the magic line <c>NEURALSTYLE-CHECKPOINT</c>, the format version (int32), a UTF-8 JSON header
/// (int64 length first), the tensors (name, dtype, shape, raw little-endian values), and the SHA-256 of
/// everything before it, so a truncated or damaged file is told apart from one of another version.
/// </remarks>
public sealed partial class StyleTransferSession
{
    /// <summary>The checkpoint format this version writes and reads.</summary>
    public const int CheckpointVersion = 1;

    private static readonly byte[] Magic = "NEURALSTYLE-CHECKPOINT\n"u8.ToArray();

    private static readonly JsonSerializerOptions Json = new()
    {
        // Enums as the names the writer writes: a number would be taken as is, also one no enum member has.
        Converters = { new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes a checkpoint of where the session is to <paramref name="path"/> (atomically: an earlier
    /// file there stays whole until the new one is complete).</summary>
    /// <param name="frontEnd">Anything the caller wants back on resume (stored as given).</param>
    public void SaveCheckpoint(string path, IReadOnlyDictionary<string, string>? frontEnd = null)
    {
        lock (_lock)
        {
            using var computing = TorchCompute.Computing();
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A video frame's guide is not an input a checkpoint can name; video resumes frame by frame instead.
            if (_inputs.Temporal is not null)
                throw new NeuralStyleException("a session with a temporal term (a video frame) cannot be checkpointed; video keeps finished frames instead");
            using var scope = torch.NewDisposeScope();
            var scale = _scale!;
            using var optimizer = scale.Optimizer.Export();
            var header = new CheckpointHeader
            {
                Settings = Settings,
                Inputs = _inputs.All().Select(i => new CheckpointInput(i.Role, i.Source.Name,
                    i.Source.FilePath is { } file ? Path.GetFullPath(file) : null, i.Source.Sha256())).ToList(),
                StyleBlend = _inputs.StyleBlend?.ToList(),
                ScaleIndex = scale.Index,
                ScaleStep = scale.Step,
                StepsCompleted = StepsCompleted,
                Seconds = _seconds,
                Optimizer = optimizer.Kind,
                OptimizerStep = optimizer.Step,
                Rhos = optimizer.Rhos,
                History = _history.Select(HistoryEntry.From).ToList(),
                FrontEnd = frontEnd?.ToDictionary() ?? [],
            };
            var tensors = new List<(string, Tensor)> { ("image", scale.Image.Value.detach()) };
            if (scale.Average?.Snapshot() is { } ema) tensors.Add(("ema", ema));
            tensors.Add(("generator", _generator!.get_state()));
            tensors.AddRange(optimizer.Tensors.Select(t => (t.Key, t.Value)));
            AtomicFile.Write(path, stream => WriteFile(stream, header, tensors));
        }
    }

    /// <summary>Reads a checkpoint's settings, inputs and progress (checking the whole file first).</summary>
    public static CheckpointInfo ReadCheckpointInfo(string path)
    {
        var (header, tensors) = ReadFile(path, withTensors: false);
        foreach (var t in tensors.Values) t.Dispose();
        return header.Info();
    }

    /// <summary>
    /// A session that goes on from a checkpoint. Its inputs are read again from their files (or taken from
    /// <paramref name="inputs"/>, e.g. images that were in memory), and each must have the content it had:
    /// a changed, missing or different input is a one-line error naming it.
    /// </summary>
    /// <param name="settings">Null = the checkpoint's. Others may differ only where the run allows it (e.g. threads);
    /// the caller answers for that.</param>
    public static StyleTransferSession Resume(string path, StyleTransferInputs? inputs = null, IFeatureNetwork? network = null,
        Func<StyleTransferSettings, StyleTransferSettings>? settings = null)
    {
        var (header, tensors) = ReadFile(path, withTensors: true);
        var state = new SessionState(header, tensors);
        try
        {
            inputs ??= InputsFromFiles(path, header);
            try
            {
                CheckInputs(path, header, inputs);
            }
            catch
            {
                inputs.Dispose();
                throw;
            }
            var resolved = settings?.Invoke(header.Settings) ?? header.Settings;
            return new StyleTransferSession(resolved, inputs, network, state);
        }
        finally
        {
            state.Dispose();
        }
    }

    private static StyleTransferInputs InputsFromFiles(string checkpoint, CheckpointHeader header)
    {
        ImageSource Source(CheckpointInput input) => input.Path is { } file
            ? ImageSource.FromFile(file)
            : throw new NeuralStyleException($"checkpoint '{checkpoint}': its {input.Role} ('{input.Name}') was an image in memory; give the inputs to resume it");
        var byRole = header.Inputs.ToDictionary(i => i.Role);
        var styles = header.Inputs.Where(i => i.Role.StartsWith("style image ", StringComparison.Ordinal)).Select(Source).ToList();
        var masks = header.Inputs.Where(i => i.Role.StartsWith("mask ", StringComparison.Ordinal) && !i.Role.StartsWith("mask style", StringComparison.Ordinal))
            .Select((m, k) => (Source(m), Source(byRole[$"mask style image {k + 1}"]))).ToList();
        return new StyleTransferInputs(Source(byRole["content image"]), styles, header.StyleBlend, masks,
            byRole.TryGetValue("init image", out var init) ? Source(init) : null,
            contentMask: byRole.TryGetValue("content mask", out var contentMask) ? Source(contentMask) : null);
    }

    private static void CheckInputs(string checkpoint, CheckpointHeader header, StyleTransferInputs inputs)
    {
        var given = inputs.All().ToList();
        if (given.Count != header.Inputs.Count || given.Zip(header.Inputs).Any(p => p.First.Role != p.Second.Role))
            throw new NeuralStyleException(
                $"checkpoint '{checkpoint}' was made with other inputs ({string.Join(", ", header.Inputs.Select(i => i.Role))})");
        foreach (var ((role, source), recorded) in given.Zip(header.Inputs))
        {
            if (source.FilePath is { } file && !File.Exists(file))
                throw new NeuralStyleException($"checkpoint '{checkpoint}': its {role} '{file}' no longer exists");
            if (source.Sha256() != recorded.Sha256)
                throw new NeuralStyleException($"checkpoint '{checkpoint}': its {role} '{source.Name}' has changed since the checkpoint was written (SHA-256 differs)");
        }
    }

    /// <summary>Puts the session where the checkpoint was: rebuilds that scale (targets are computed again,
    /// exactly as before) and replaces its image, optimiser, average and the generator with the saved ones.</summary>
    private void Restore(SessionState state)
    {
        var header = state.Header;
        if (header.ScaleIndex < 0 || header.ScaleIndex >= Plan.Count || header.ScaleStep < 0 || header.ScaleStep > Plan[header.ScaleIndex].Iterations)
            throw new NeuralStyleException($"the checkpoint is at scale {header.ScaleIndex + 1}, step {header.ScaleStep}, which its settings do not have");
        if (header.Optimizer != Settings.Optimizer)
            throw new NeuralStyleException($"the checkpoint holds {header.Optimizer} state but the settings ask for {Settings.Optimizer}");
        using var scope = torch.NewDisposeScope();
        var image = state.Tensor("image");
        var size = _contentFullSize.WithLongestSide(Plan[header.ScaleIndex].Side);
        // The start image is replaced below; the content is a start that needs no random numbers.
        using (var placeholder = torch.zeros(1, 3, size.Height, size.Width))
            _scale = BuildScale(header.ScaleIndex, placeholder);
        if (!image.shape.SequenceEqual(_scale.Image.Value.shape))
            throw new NeuralStyleException($"the checkpoint's image is {string.Join("×", image.shape)}, not the {string.Join("×", _scale.Image.Value.shape)} its settings and inputs give");
        using (torch.no_grad()) _scale.Image.Value.copy_(image);
        _scale.Step = header.ScaleStep;
        using (var optimizer = new OptimizerState(header.Optimizer, header.OptimizerStep, header.Rhos,
                   state.Tensors.Where(t => t.Key.StartsWith(header.Optimizer == OptimizerKind.Lbfgs ? "lbfgs." : "adam.", StringComparison.Ordinal))
                       .ToDictionary(t => t.Key, t => t.Value.alias())))
            _scale.Optimizer.Import(optimizer);
        if (state.Tensors.TryGetValue("ema", out var ema))
        {
            if (_scale.Average is null) throw new NeuralStyleException("the checkpoint holds a moving average but its settings have none");
            _scale.Average.Update(ema); // the first update copies it
        }
        _generator!.set_state(state.Tensor("generator"));
        StepsCompleted = header.StepsCompleted;
        _seconds = header.Seconds;
        _history.AddRange(header.History.Select(h => h.ToReport(TotalSteps, Plan.Count)));
    }

    private static void WriteFile(Stream file, CheckpointHeader header, IReadOnlyList<(string Name, Tensor Value)> tensors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var hashing = new HashingStream(file, hash))
        using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(CheckpointVersion);
            var json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
            writer.Write((long)json.Length);
            writer.Write(json);
            writer.Write(tensors.Count);
            foreach (var (name, value) in tensors)
            {
                using var contiguous = value.detach().cpu().contiguous();
                writer.Write(name);
                writer.Write(contiguous.dtype switch
                {
                    ScalarType.Float32 => (byte)0,
                    ScalarType.Byte => (byte)1,
                    _ => throw new InvalidOperationException($"cannot checkpoint a {contiguous.dtype} tensor"),
                });
                writer.Write((int)contiguous.dim());
                foreach (var d in contiguous.shape) writer.Write(d);
                writer.Write(contiguous.bytes);
            }
        }
        file.Write(hash.GetHashAndReset());
    }

    private static (CheckpointHeader Header, Dictionary<string, Tensor> Tensors) ReadFile(string path, bool withTensors)
    {
        InputFile.Require(path, $"checkpoint '{path}'");
        string Bad(string why) => $"checkpoint '{path}' {why}";
        using var stream = File.OpenRead(path);
        if (stream.Length < Magic.Length + 4 + 32) throw new NeuralStyleException(Bad("is too short to be a neural-style checkpoint (corrupt or not a checkpoint)"));
        var start = new byte[Magic.Length + 4];
        stream.ReadExactly(start);
        if (!start.AsSpan(0, Magic.Length).SequenceEqual(Magic)) throw new NeuralStyleException(Bad("is not a neural-style checkpoint"));
        var version = BitConverter.ToInt32(start, Magic.Length);
        if (version != CheckpointVersion)
            throw new NeuralStyleException(Bad($"has format version {version}; this neural-style reads version {CheckpointVersion}"));

        // The checksum first: nothing of a damaged file is believed.
        stream.Position = 0;
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var buffer = new byte[1 << 20];
            var left = stream.Length - 32;
            while (left > 0)
            {
                var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n <= 0) break;
                hash.AppendData(buffer, 0, n);
                left -= n;
            }
            var stored = new byte[32];
            stream.ReadExactly(stored);
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
                throw new NeuralStyleException(Bad("is corrupt (its checksum does not match: truncated or damaged)"));
        }

        stream.Position = Magic.Length + 4;
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            var length = reader.ReadInt64();
            if (length < 0 || length > stream.Length) throw new InvalidDataException($"a header of {length} bytes");
            var header = JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadBytes(checked((int)length)), Json)
                ?? throw new NeuralStyleException(Bad("has an empty header"));
            // The checksum only says the file is as written, not that a writer meant well: every field is checked
            // before use, so a hand-made file is one line, never an internal error deep in a rebuild.
            CheckHeader(header, Bad);
            if (!withTensors) return (header, tensors);
            var count = reader.ReadInt32();
            if (count is < 0 or > MaxTensors) throw new InvalidDataException($"{count} tensors");
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var dtype = reader.ReadByte() switch { 0 => ScalarType.Float32, 1 => ScalarType.Byte, var b => throw new InvalidDataException($"dtype {b}") };
                var rank = reader.ReadInt32();
                if (rank is < 0 or > 8) throw new InvalidDataException($"tensor '{name}' has {rank} dimensions");
                var shape = new long[rank];
                for (var d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
                // Dimensions must be ≥ 0 and the values must be in the file: checked before libtorch allocates anything
                // (it fails on a negative size with a C++ backtrace, and would allocate a claimed terabyte).
                var left = stream.Length - 32 - stream.Position;
                var values = 1L;
                foreach (var d in shape)
                {
                    if (d < 0) throw new InvalidDataException($"tensor '{name}' has a negative dimension ({string.Join("×", shape)})");
                    values = d == 0 ? 0 : values > left / d ? left + 1 : values * d;
                }
                if (values * (dtype == ScalarType.Float32 ? 4 : 1) > left)
                    throw new InvalidDataException($"tensor '{name}' ({string.Join("×", shape)}) is larger than the file");
                if (!tensors.TryAdd(name, torch.empty(shape, dtype).DetachFromDisposeScope()))
                    throw new InvalidDataException($"tensor '{name}' appears twice");
                var tensor = tensors[name];
                var bytes = reader.ReadBytes(checked((int)(tensor.numel() * tensor.ElementSize)));
                tensor.bytes = bytes;
            }
            return (header, tensors);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or EndOfStreamException or OverflowException or ArgumentException or FormatException)
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw new NeuralStyleException(Bad($"is corrupt ({UserMessage.OneLine(e.Message)})"));
        }
    }

    /// <summary>Far more than any session writes (image, average, generator, an optimiser's vectors and pairs' names are
    /// one tensor each: L-BFGS with the longest history, 1000 pairs, writes about 2000).</summary>
    private const int MaxTensors = 4096;

    /// <summary>The header's fields, each as a session writes them: settings a run can use, and the inputs in the order
    /// and with the roles <see cref="StyleTransferInputs.All"/> gives (a content image, at least one painting, masks in
    /// pairs, then an optional start image and content mask), each with a SHA-256.</summary>
    private static void CheckHeader(CheckpointHeader header, Func<string, string> bad)
    {
        if (header.Settings is null) throw new NeuralStyleException(bad("has no settings"));
        try
        {
            header.Settings.Validate();
        }
        catch (NeuralStyleException e)
        {
            throw new NeuralStyleException(bad($"holds settings no run can use ({UserMessage.Clause(e.Message)})"));
        }
        catch (Exception e) when (e is NullReferenceException or ArgumentException)
        {
            throw new NeuralStyleException(bad("holds incomplete settings"));
        }
        // A session records the settings it ran with, resolved: "auto" there means the file was made by hand.
        if (header.Settings.Model is not { Family: not ModelFamily.Auto } model || string.IsNullOrEmpty(model.Name)
            || (model.Family == ModelFamily.Onnx && string.IsNullOrEmpty(model.OnnxPath)))
            throw new NeuralStyleException(bad("holds settings no run can use (no model, or --model auto, which a session resolves before it starts)"));
        var inputs = header.Inputs ?? [];
        if (inputs.Any(i => i is null || string.IsNullOrEmpty(i.Role) || i.Name is null || i.Sha256 is not { Length: 64 } h || !h.All(char.IsAsciiHexDigit)))
            throw new NeuralStyleException(bad("has an input without its role, name or SHA-256"));
        var roles = inputs.Select(i => i.Role).ToList();
        var at = 0;
        bool Next(string role) => at < roles.Count && roles[at] == role && ++at > 0;
        var styles = 0;
        var masks = 0;
        var valid = Next("content image");
        while (valid && Next($"style image {styles + 1}")) styles++;
        while (valid && Next($"mask {masks + 1}"))
            if (Next($"mask style image {++masks}")) continue;
            else valid = false;
        if (valid)
        {
            Next("init image");
            Next("content mask");
        }
        if (!valid || styles == 0 || at != roles.Count)
            throw new NeuralStyleException(bad(roles.Count == 0
                ? "names no inputs"
                : $"names inputs no run has ({UserMessage.Excerpt(string.Join(", ", roles))}); a run has a content image, then style image 1, 2…"));
        if (header.StyleBlend is { } blend && (blend.Count != styles || blend.Any(w => !double.IsFinite(w) || w < 0)))
            throw new NeuralStyleException(bad($"has a style blend of {blend.Count} weights for {styles} style images"));
        if (header.StepsCompleted < 0 || header.OptimizerStep < 0 || header.Rhos is null || header.History is null || header.History.Any(h => h is null)
            || header.FrontEnd is null || !double.IsFinite(header.Seconds))
            throw new NeuralStyleException(bad("has a progress record no run writes (negative steps or missing fields)"));
    }

    /// <summary>A checkpoint read into memory (the session being built copies what it needs).</summary>
    private sealed class SessionState(CheckpointHeader header, Dictionary<string, Tensor> tensors) : IDisposable
    {
        public CheckpointHeader Header { get; } = header;
        public IReadOnlyDictionary<string, Tensor> Tensors { get; } = tensors;

        public Tensor Tensor(string name) => Tensors.TryGetValue(name, out var t)
            ? t
            : throw new NeuralStyleException($"the checkpoint has no '{name}'");

        public void Dispose()
        {
            foreach (var t in Tensors.Values) t.Dispose();
        }
    }

    private sealed class CheckpointHeader
    {
        public required StyleTransferSettings Settings { get; init; }
        public required List<CheckpointInput> Inputs { get; init; }
        public List<double>? StyleBlend { get; init; }
        public int ScaleIndex { get; init; }
        public int ScaleStep { get; init; }
        public int StepsCompleted { get; init; }
        public double Seconds { get; init; }
        public OptimizerKind Optimizer { get; init; }
        public long OptimizerStep { get; init; }
        public double[] Rhos { get; init; } = [];
        public List<HistoryEntry> History { get; init; } = [];
        public Dictionary<string, string> FrontEnd { get; init; } = [];

        public CheckpointInfo Info() => new(Settings, Inputs, StyleBlend, ScaleIndex, ScaleStep, StepsCompleted, FrontEnd);
    }

    private sealed record HistoryEntry(int Step, double Content, double Style, double Tv, double Seconds, double? WorkDone, int Scale, int Side, int ScaleStep)
    {
        public static HistoryEntry From(IterationReport r) =>
            new(r.Step, r.Terms.Content, r.Terms.Style, r.Terms.Tv, r.Seconds, r.WorkDone, r.Scale, r.Side, r.ScaleStep);

        public IterationReport ToReport(int totalSteps, int scales) =>
            new(Step, totalSteps, new LossBreakdown(Content, Style, Tv), Seconds, WorkDone) { Scale = Scale, Scales = scales, Side = Side, ScaleStep = ScaleStep };
    }

    /// <summary>Passes writes through to a stream and into a hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
    }
}
