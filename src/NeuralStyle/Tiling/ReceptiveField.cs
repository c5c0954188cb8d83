namespace NeuralStyle.Tiling;

/// <summary>
/// Which input pixels a layer's cell reads: cell i (along one axis) depends on input pixels
/// <c>Jump·i + Low … Jump·i + High</c>, through every path of the network. A tile whose input reaches
/// <see cref="Before"/> pixels before and <see cref="After"/> pixels after a cell's own block of
/// <see cref="Jump"/> pixels computes that cell exactly as the whole image does, zero padding included.
/// Both axes are treated alike (every supported network has square kernels or takes the larger side).
/// </summary>
/// <param name="Jump">Input pixels between neighbouring cells (the layer's total stride).</param>
public readonly record struct ReceptiveField(long Jump, long Low, long High)
{
    /// <summary>The input itself: each pixel reads only itself.</summary>
    public static ReceptiveField Input { get; } = new(1, 0, 0);

    /// <summary>Pixels before a cell's block it reads.</summary>
    public long Before => Math.Max(0, -Low);

    /// <summary>Pixels after a cell's block it reads.</summary>
    public long After => Math.Max(0, High - (Jump - 1));

    /// <summary>After a sliding window (convolution or pooling) of <paramref name="kernel"/> cells (dilation
    /// included), <paramref name="stride"/>, <paramref name="padBefore"/> cells of padding before the first.</summary>
    public ReceptiveField Window(long kernel, long stride, long padBefore) =>
        new(Jump * stride, Low - Jump * padBefore, High + Jump * (kernel - 1 - padBefore));

    /// <summary>After a Pad that adds <paramref name="padBefore"/> cells before the first (output cell i is input cell i − pad).</summary>
    public ReceptiveField Shifted(long padBefore) => new(Jump, Low - Jump * padBefore, High - Jump * padBefore);

    /// <summary>Where two paths meet (a residual Add, a Concat): the union of what both read.</summary>
    public ReceptiveField Union(ReceptiveField other)
    {
        if (other.Jump != Jump)
            throw new NeuralStyleException($"two paths with strides {Jump} and {other.Jump} meet; such a network cannot be tiled");
        return new ReceptiveField(Jump, Math.Min(Low, other.Low), Math.Max(High, other.High));
    }
}
