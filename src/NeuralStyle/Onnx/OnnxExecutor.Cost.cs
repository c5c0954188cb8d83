using static TorchSharp.torch;

namespace NeuralStyle.Onnx;

public sealed partial class OnnxExecutor
{
    /// <summary>The side a graph's memory is measured at before it runs at a larger size: a probe there costs a few
    /// MB for a CNN, and a graph's values grow with the input's pixels, so its count per pixel, scaled, is what a
    /// larger input needs (a little more than it, as small inputs round their feature maps up).</summary>
    public const int ReferenceSide = 224;

    /// <summary>
    /// Values per input pixel of every tensor <paramref name="outputs"/> depend on, at <see cref="ReferenceSide"/>: what a
    /// training step holds at once, as autograd keeps each node's output (or input) for the backward pass. A chain of
    /// 3000 ReLUs on 3 channels holds 9000 a pixel, where a CNN such as ResNet18 holds about 150.
    /// </summary>
    /// <param name="maxMemoryBytes">The probe's own bound (<see cref="Probe"/>): a graph whose values do not fit even at
    /// the reference size is refused there, in one line.</param>
    public double ValuesPerPixel(IReadOnlyCollection<string> outputs, long? maxMemoryBytes = null)
    {
        var used = Plan(outputs.Distinct()).Select(i => _nodes[i].Output[0]).ToHashSet();
        var values = Probe(ReferenceSide, ReferenceSide, maxMemoryBytes)
            .Where(t => t.Shape is not null && used.Contains(t.Name))
            .Sum(t => (double)t.Shape!.Aggregate(1L, (a, b) => a * b));
        return values / ((double)ReferenceSide * ReferenceSide);
    }
}
