namespace NeuralStyle.Transfer;

/// <summary>
/// Coarse-to-fine schedule for <c>--scales N</c>: the longest side doubles from scale to scale up to
/// the requested size, so the coarse scales settle the large shapes cheaply (a scale at half the size
/// costs about a quarter) and the finest scale only refines them. Every scale runs the requested
/// iterations except the finest, which runs half as many: it starts from an upsampled result that is
/// already close, and it is the expensive one.
/// </summary>
public static class ScalePyramid
{
    /// <summary>No scale is made smaller than this: below it the deeper layers see almost nothing.</summary>
    public const int MinimumSide = 64;

    /// <summary>Longest sides, coarsest first, ending with <paramref name="size"/>.</summary>
    public static IReadOnlyList<int> Sides(int size, int scales)
    {
        var sides = new List<int>();
        for (var k = scales - 1; k >= 0; k--)
        {
            var side = (int)Math.Round(size / Math.Pow(2, k));
            if (side >= MinimumSide || k == 0) sides.Add(side);
        }
        return sides;
    }

    /// <summary>Steps at scale <paramref name="index"/> of <paramref name="count"/>.</summary>
    public static int Iterations(int iterations, int index, int count) =>
        count > 1 && index == count - 1 ? Math.Max(1, iterations / 2) : iterations;
}
