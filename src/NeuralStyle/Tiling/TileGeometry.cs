using NeuralStyle.Networks;

namespace NeuralStyle.Tiling;

/// <summary>
/// How a network is run tile by tile with exact results: the interior side of a tile, and the halo of image
/// around it that the network needs, for the layers a run reads.
/// </summary>
/// <remarks>
/// Exactness rests on two facts. Every cell of a layer reads a bounded window of input pixels
/// (<see cref="ReceptiveField"/>), so a tile that includes that window around each cell of its interior
/// computes those cells as the whole image does (the zero padding of its own edges only reaches the halo).
/// And tiles start at multiples of the network's total stride (<see cref="BorderPaddedNetwork.Alignment"/>),
/// so each layer's grid of cells in a tile is a piece of the whole image's grid, not a shifted one. The image
/// is padded once, as the untiled network pads it, and tiles are cut from the padded image, so borders are
/// exact too.
/// </remarks>
public sealed class TileGeometry
{
    private TileGeometry(BorderPaddedNetwork network, int side, long haloBefore, long haloAfter, IReadOnlyDictionary<string, long> jumps)
    {
        Network = network;
        Side = side;
        HaloBefore = haloBefore;
        HaloAfter = haloAfter;
        Jumps = jumps;
    }

    /// <summary>The network, padded as every run pads it; tiles run its <see cref="BorderPaddedNetwork.Inner"/>.</summary>
    public BorderPaddedNetwork Network { get; }

    /// <summary>The most pixels a tile's interior has along a side (a multiple of the alignment).</summary>
    public int Side { get; }

    /// <summary>Pixels of halo before (above, left of) a tile's interior.</summary>
    public long HaloBefore { get; }

    /// <summary>Pixels of halo after (below, right of) a tile's interior.</summary>
    public long HaloAfter { get; }

    /// <summary>Each layer's stride in input pixels.</summary>
    public IReadOnlyDictionary<string, long> Jumps { get; }

    public long Alignment => Network.Alignment;

    /// <summary>Whether <paramref name="network"/> can be tiled for these layers (null) or why not (one line).</summary>
    public static string? WhyNot(IFeatureNetwork network, IEnumerable<string> layers)
    {
        try
        {
            _ = Fields(network, layers);
            return null;
        }
        catch (NeuralStyleException e)
        {
            return e.Message;
        }
    }

    /// <param name="network">A loss network as <see cref="FeatureNetworks.Create"/> makes it.</param>
    /// <param name="layers">Every layer the tiles are read at.</param>
    /// <param name="side">The wished interior side; rounded up to the alignment.</param>
    public static TileGeometry For(IFeatureNetwork network, IEnumerable<string> layers, int side)
    {
        if (side < 1) throw new ArgumentOutOfRangeException(nameof(side), "a tile needs at least one pixel");
        var (padded, fields) = Fields(network, layers);
        var alignment = padded.Alignment;
        var before = RoundUp(fields.Values.Max(f => f.Before), alignment);
        var after = RoundUp(fields.Values.Max(f => f.After), alignment);
        return new TileGeometry(padded, (int)RoundUp(side, alignment), before, after, fields.ToDictionary(p => p.Key, p => p.Value.Jump));
    }

    /// <summary>The halo a tile of these layers needs on each side, in pixels (before + after).</summary>
    public long HaloTotal => HaloBefore + HaloAfter;

    /// <summary>The tiles of an image of <paramref name="height"/> × <paramref name="width"/> pixels.</summary>
    public TileLayout Layout(long height, long width) => new(this, height, width);

    private static (BorderPaddedNetwork, Dictionary<string, ReceptiveField>) Fields(IFeatureNetwork network, IEnumerable<string> layers)
    {
        if (network is not BorderPaddedNetwork padded || padded.Inner is not IReceptiveFields known)
            throw new NeuralStyleException($"{network.Name} cannot be run in tiles: its receptive fields are unknown");
        var fields = layers.Distinct().ToDictionary(l => l, known.FieldOf);
        foreach (var (layer, field) in fields)
            if (padded.Alignment % field.Jump != 0)
                throw new NeuralStyleException($"{network.Name}: layer '{layer}' has stride {field.Jump}, which does not divide the alignment {padded.Alignment}; it cannot be tiled");
        return (padded, fields);
    }

    internal static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}
