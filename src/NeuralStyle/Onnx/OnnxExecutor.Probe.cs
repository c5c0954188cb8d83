using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Onnx;

public sealed partial class OnnxExecutor
{
    /// <summary>
    /// Runs every node once on a zero image of the given size and reports each computed tensor's
    /// shape. A node that cannot run (unsupported op, input too small for its kernel) is reported
    /// with the reason, and so is everything downstream of it, instead of failing the whole listing.
    /// </summary>
    /// <param name="maxMemoryBytes">The values held at once, with what the node under way makes besides its output, may not
    /// pass this (null: no bound); each value is freed once the last node that reads it has run, so a long chain holds a
    /// few values, not all of them. Above <see cref="ReferenceSide"/>² pixels this is checked before any value of the
    /// requested size is made: a probe at <see cref="ReferenceSide"/>, scaled to the requested pixels, estimates it.</param>
    public IReadOnlyList<OnnxTensorInfo> Probe(long height, long width, long? maxMemoryBytes = null)
    {
        var pixels = (double)height * width;
        var referencePixels = (double)ReferenceSide * ReferenceSide;
        if (maxMemoryBytes is { } budget && pixels > referencePixels)
        {
            // With the budget too: a graph whose values do not fit even at the reference size stops there.
            Probe(ReferenceSide, ReferenceSide, budget, out var peak, out var where);
            var estimate = peak * (pixels / referencePixels);
            if (estimate > budget)
                throw new NeuralStyleException(
                    $"{Source}: at {height}×{width} its values need more than {budget >> 20} MiB (about {Transfer.MemorySize.Format(estimate)}, " +
                    $"most by {where}); use a smaller --size or raise --max-memory");
        }
        return Probe(height, width, maxMemoryBytes, out _, out _);
    }

    /// <summary>What an op makes besides its output, in multiples of its largest input or output, while it runs:
    /// BatchNormalization holds x − mean and its product with the factor until the sum is made; LRN six maps (squares,
    /// padded squares, their window mean, and three steps to the denominator); anything else one (a padded copy of the
    /// input, a layout change).</summary>
    private static double Temporaries(string op) => op switch
    {
        "BatchNormalization" => 2,
        "LRN" => 6,
        _ => 1,
    };

    /// <param name="peakBytes">The most the values and a node's temporaries held at once (see <see cref="Temporaries"/>).</param>
    /// <param name="peakAt">The node where that was.</param>
    private IReadOnlyList<OnnxTensorInfo> Probe(long height, long width, long? maxMemoryBytes, out double peakBytes, out string peakAt)
    {
        peakBytes = 0;
        peakAt = "";
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        // In the weights' dtype (bf16 after UseComputeType), so they are used as they are, not copied.
        var input = torch.zeros(1, InputChannels, height, width, dtype: ComputeType);
        var values = new Dictionary<string, Tensor>();
        var lastUse = new Dictionary<string, int>();
        for (var k = 0; k < _nodes.Count; k++)
            foreach (var name in _nodes[k].Input)
                lastUse[name] = k;
        // An op may return one of its inputs as it is (Identity): a tensor object is freed only when no name holds it.
        var holders = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var held = input.numel() * input.ElementSize; // the image lives to the end
        void Release(string name)
        {
            if (!values.Remove(name, out var t)) return;
            // A weight's copy in the input's dtype (Value) is held by its name alone and counted by no one.
            if (!holders.ContainsKey(t)) { t.Dispose(); return; }
            if (--holders[t] > 0) return;
            holders.Remove(t);
            held -= t.numel() * t.ElementSize;
            t.Dispose();
        }
        var index = -1;
        var failed = new Dictionary<string, string>(); // tensor → why it has no value
        var report = new List<OnnxTensorInfo>();
        foreach (var node in _nodes)
        {
            index++;
            var outputs = node.Output.Where(o => o.Length > 0).ToList();
            var blocked = node.Input.FirstOrDefault(failed.ContainsKey);
            string? problem = blocked is not null ? $"needs '{blocked}', which has no value" : null;
            Tensor? result = null;
            Tensor?[] inputs = [];
            if (problem is null)
            {
                try
                {
                    inputs = node.Input.Select(name => name.Length == 0 ? null : Value(name, input, values)).ToArray();
                    result = Evaluate(node, inputs);
                }
                catch (NeuralStyleException e)
                {
                    problem = e.Message;
                }
            }
            for (var i = 0; i < outputs.Count; i++)
            {
                // Only a node's first output is computed (the others are masks/indices nobody reads).
                if (result is not null && i == 0)
                {
                    values[outputs[0]] = result;
                    if (holders.TryGetValue(result, out var n)) holders[result] = n + 1;
                    else
                    {
                        holders[result] = 1;
                        held += result.numel() * result.ElementSize;
                    }
                    report.Add(new OnnxTensorInfo(outputs[0], node.OpType, node.Name, result.shape, null));
                    var largest = inputs.Where(t => t is not null).Select(t => t!.numel() * t.ElementSize)
                        .Append(result.numel() * result.ElementSize).Max();
                    var during = held + Temporaries(node.OpType) * largest;
                    if (during > peakBytes) (peakBytes, peakAt) = (during, OnnxNodeContext.Describe(node));
                    if (maxMemoryBytes is { } budget && during > budget)
                        throw new NeuralStyleException(
                            $"{Source}: at {height}×{width} its values need more than {budget >> 20} MiB by {OnnxNodeContext.Describe(node)} " +
                            $"({held >> 20} MiB held); use a smaller --size or raise --max-memory");
                    if (lastUse.GetValueOrDefault(outputs[0], -1) <= index) Release(outputs[0]); // nothing reads it
                }
                else
                {
                    var why = problem ?? "secondary outputs are not computed";
                    failed[outputs[i]] = why;
                    report.Add(new OnnxTensorInfo(outputs[i], node.OpType, node.Name, null, why));
                }
            }
            foreach (var name in node.Input)
                if (lastUse.GetValueOrDefault(name, -1) == index) Release(name);
        }
        return report;
    }
}

/// <summary>One tensor of a graph: its name, the op and node making it, and its shape at the probed
/// size (null, with <paramref name="Problem"/> saying why, when it could not be computed).</summary>
public sealed record OnnxTensorInfo(string Name, string OpType, string NodeName, long[]? Shape, string? Problem)
{
    public string ShapeText => Shape is null ? "-" : $"[{string.Join(", ", Shape)}]";
}
