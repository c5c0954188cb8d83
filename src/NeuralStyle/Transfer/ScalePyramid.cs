namespace NeuralStyle.Transfer;

/// <summary>
/// Coarse-to-fine schedule for <c>--scales</c>: the longest side doubles from scale to scale up to the
/// requested size. The coarse scales settle the large shapes cheaply (a scale at half the size costs
/// about a quarter), which a single run at full size never builds because its layers see only small
/// parts of a large image; the finest scale then adds the fine texture.
/// </summary>
/// <remarks>
/// Default steps: two thirds of <c>Iterations</c> at each coarse scale, all of them at the finest.
/// Measured on ResNet18 at 512 px (README, "Multi-scale"): more coarse steps make the finest scale
/// reach a given loss in fewer of its expensive steps (200,200 coarse: 192 fine steps to the
/// single-scale loss; 100,100: 249), and halving the finest scale's steps left the loss above the
/// single-scale run's.
/// </remarks>
public static class ScalePyramid
{
    /// <summary>No scale is made smaller than this: below it the deeper layers see almost nothing.</summary>
    public const int MinimumSide = 64;

    /// <summary><c>--scales auto</c> halves down to this side and no further. Starting at 128 px painted
    /// stronger but blurred the subject and left a dark frame along the edges (ResNet18's deepest
    /// layer is then 4×4, so padding dominates it); from 256 px the subject stays clear (README).</summary>
    public const int AutomaticCoarsestSide = 256;

    /// <summary>The <see cref="StyleTransferSettings.Scales"/> value meaning "pick for the size".</summary>
    public const int Automatic = 0;

    /// <summary>The most scales a run may ask for: 64 px up to 8192 px (a print coarse-to-fine from 64 px).</summary>
    public const int MaximumScales = 8;

    /// <summary>How many scales were asked for: <paramref name="scales"/> itself, or for <see cref="Automatic"/>
    /// one per doubling from at least <see cref="AutomaticCoarsestSide"/> up to <paramref name="size"/>
    /// (512 px: 256, 512). <see cref="Sides"/> may still drop scales below <see cref="MinimumSide"/>.</summary>
    public static int Requested(int size, int scales)
    {
        if (scales != Automatic) return scales;
        var count = 1;
        while (count < MaximumScales && size / Math.Pow(2, count) >= AutomaticCoarsestSide) count++;
        return count;
    }

    /// <summary>Longest sides, coarsest first, ending with <paramref name="size"/>.</summary>
    public static IReadOnlyList<int> Sides(int size, int scales)
    {
        scales = Requested(size, scales);
        var sides = new List<int>();
        for (var k = scales - 1; k >= 0; k--)
        {
            var side = (int)Math.Round(size / Math.Pow(2, k));
            if (side >= MinimumSide || k == 0) sides.Add(side);
        }
        return sides;
    }

    /// <summary>Side and steps of every scale a run makes, coarsest first. Explicit
    /// <see cref="StyleTransferSettings.ScaleIterations"/> belong to the scales counted from the finest, so
    /// the entries of scales too small to make are dropped with them.</summary>
    public static IReadOnlyList<(int Side, int Iterations)> Plan(StyleTransferSettings settings)
    {
        var sides = Sides(settings.Size, settings.Scales);
        return sides.Select((side, k) => (side, settings.ScaleIterations is { } steps
            ? steps[steps.Count - sides.Count + k]
            : Iterations(settings.Iterations, k, sides.Count))).ToList();
    }

    /// <summary>Default steps at scale <paramref name="index"/> of <paramref name="count"/>.</summary>
    public static int Iterations(int iterations, int index, int count) =>
        index == count - 1 ? iterations : (int)Math.Round(iterations * 2 / 3.0);
}
