using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>Where a piece of a layer's feature map lies in the whole map (cells, not pixels): a tile's share,
/// or the whole map itself. Terms whose statistics depend on position (masks, content targets) crop theirs to it.</summary>
public readonly record struct CellWindow(long Row, long Column, long Rows, long Columns)
{
    /// <summary>The whole of a [1,C,H,W] map.</summary>
    public static CellWindow Whole(Tensor features) => new(0, 0, features.shape[^2], features.shape[^1]);

    /// <summary>The same cells of a map of the whole image ([…,H,W]), as a view.</summary>
    public Tensor Of(Tensor whole) => whole.narrow(-2, Row, Rows).narrow(-1, Column, Columns);
}

/// <summary>Channels, height and width of a layer's whole feature map (the sizes a loss normalises by).</summary>
public readonly record struct MapShape(long Channels, long Height, long Width)
{
    public long Positions => Height * Width;

    public static MapShape Of(Tensor features) => new(features.shape[^3], features.shape[^2], features.shape[^1]);
}
