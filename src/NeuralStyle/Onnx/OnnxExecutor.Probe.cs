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
    public IReadOnlyList<OnnxTensorInfo> Probe(long height, long width)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var input = torch.zeros(1, InputChannels, height, width);
        var values = new Dictionary<string, Tensor>();
        var failed = new Dictionary<string, string>(); // tensor → why it has no value
        var report = new List<OnnxTensorInfo>();
        foreach (var node in _nodes)
        {
            var outputs = node.Output.Where(o => o.Length > 0).ToList();
            var blocked = node.Input.FirstOrDefault(failed.ContainsKey);
            string? problem = blocked is not null ? $"needs '{blocked}', which has no value" : null;
            Tensor? result = null;
            if (problem is null)
            {
                try
                {
                    var inputs = node.Input.Select(name => name.Length == 0 ? null : Value(name, input, values)).ToArray();
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
                    report.Add(new OnnxTensorInfo(outputs[0], node.OpType, node.Name, result.shape, null));
                }
                else
                {
                    var why = problem ?? "secondary outputs are not computed";
                    failed[outputs[i]] = why;
                    report.Add(new OnnxTensorInfo(outputs[i], node.OpType, node.Name, null, why));
                }
            }
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
