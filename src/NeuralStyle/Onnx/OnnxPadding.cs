namespace NeuralStyle.Onnx;

/// <summary>
/// ONNX spatial padding (explicit <c>pads</c> or <c>auto_pad</c>) resolved for one actual input size.
/// The executor runs at any image size, so SAME_* padding is computed here from the real input,
/// never taken from the sizes recorded in the file.
/// </summary>
internal sealed record OnnxPadding(long[] Begin, long[] End)
{
    public bool IsSymmetric => Begin.SequenceEqual(End);

    /// <param name="spatial">The input's spatial sizes (H, W).</param>
    /// <param name="kernel">Kernel sizes, already widened by dilation.</param>
    public static OnnxPadding Resolve(OnnxNodeContext node, long[] spatial, long[] kernel, long[] strides)
    {
        var rank = spatial.Length;
        var autoPad = node.String("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET":
                var pads = node.Ints("pads") ?? new long[2 * rank];
                if (pads.Length != 2 * rank)
                    throw node.Error($"pads has {pads.Length} values, expected {2 * rank}");
                // ONNX order: [x1_begin, x2_begin, …, x1_end, x2_end, …].
                return new OnnxPadding(pads[..rank], pads[rank..]);
            case "VALID":
                return new OnnxPadding(new long[rank], new long[rank]);
            case "SAME_UPPER" or "SAME_LOWER":
                var begin = new long[rank];
                var end = new long[rank];
                for (var i = 0; i < rank; i++)
                {
                    // Output size is ceil(in / stride); pad just enough for the last window to fit.
                    var output = (spatial[i] + strides[i] - 1) / strides[i];
                    var total = Math.Max(0, (output - 1) * strides[i] + kernel[i] - spatial[i]);
                    var small = total / 2;
                    (begin[i], end[i]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
                }
                return new OnnxPadding(begin, end);
            default:
                throw node.Error($"auto_pad '{autoPad}' is not a valid value");
        }
    }

    /// <summary>torch's F.pad order: last dimension first, (begin, end) pairs.</summary>
    public long[] ForTorchPad()
    {
        var result = new List<long>();
        for (var i = Begin.Length - 1; i >= 0; i--) result.AddRange([Begin[i], End[i]]);
        return result.ToArray();
    }
}
