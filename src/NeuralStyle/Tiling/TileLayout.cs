using NeuralStyle.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tiling;

/// <summary>A piece of the padded image the raw network runs on (with its halo), and the interior whose
/// feature cells it is responsible for, in padded-image pixels.</summary>
public readonly record struct Tile(long Top, long Left, long Height, long Width,
    long InteriorTop, long InteriorLeft, long InteriorHeight, long InteriorWidth);

/// <summary>
/// The tiles of one image size (<see cref="TileGeometry"/>): interiors of at most <see cref="TileGeometry.Side"/>
/// pixels that cover the image's feature cells once, evenly sized, each with its halo clipped to the padded image.
/// </summary>
public sealed class TileLayout
{
    private readonly TileGeometry _geometry;

    internal TileLayout(TileGeometry geometry, long height, long width)
    {
        _geometry = geometry;
        Height = height;
        Width = width;
        (Top, var bottom) = geometry.Network.PadsFor(height);
        (Left, var right) = geometry.Network.PadsFor(width);
        PaddedHeight = Top + height + bottom;
        PaddedWidth = Left + width + right;
        var rows = Spans(Top, height);
        var columns = Spans(Left, width);
        Rows = rows.Count;
        Columns = columns.Count;
        Tiles = rows.SelectMany(r => columns.Select(c => Make(r, c))).ToList();
    }

    /// <summary>The real image's size.</summary>
    public long Height { get; }
    public long Width { get; }

    /// <summary>Padding before the image (rows above, columns left) in the padded image.</summary>
    public long Top { get; }
    public long Left { get; }

    public long PaddedHeight { get; }
    public long PaddedWidth { get; }

    public int Rows { get; }
    public int Columns { get; }
    public IReadOnlyList<Tile> Tiles { get; }

    /// <summary>Cells of the whole map of a layer with this stride (as <see cref="Networks.BorderPaddedNetwork"/> crops it).</summary>
    public (long Height, long Width) MapSize(long jump) => ((Height + jump - 1) / jump, (Width + jump - 1) / jump);

    /// <summary>The tile's piece of a padded-image-sized tensor (a view).</summary>
    public static Tensor PieceOf(Tile tile, Tensor padded) => padded.narrow(2, tile.Top, tile.Height).narrow(3, tile.Left, tile.Width);

    /// <summary>Runs the raw network on every tile of <paramref name="padded"/> (the image as
    /// <see cref="Networks.BorderPaddedNetwork.Pad"/> makes it) and hands <paramref name="visit"/> each layer's cells of
    /// the tile's interior with their window in the whole map. Each tile's tensors are freed after its visit; a visitor
    /// keeps a tensor by moving it to the outer dispose scope. Gradients are neither taken nor blocked here.</summary>
    public void ForEachTile(Tensor padded, IReadOnlyCollection<string> layers, Action<string, Tensor, CellWindow> visit)
    {
        if (layers.Count == 0) return;
        foreach (var tile in Tiles)
        {
            using var scope = torch.NewDisposeScope();
            var features = _geometry.Network.Inner.Extract(PieceOf(tile, padded), layers);
            foreach (var layer in layers)
            {
                var (cells, window) = Crop(tile, layer, features[layer]);
                visit(layer, cells, window);
            }
        }
    }

    /// <summary>A tile's feature map of one layer cut to the cells of its interior that belong to the image, and
    /// where they lie in the whole map.</summary>
    public (Tensor Features, CellWindow Window) Crop(Tile tile, string layer, Tensor map)
    {
        var jump = _geometry.Jumps[layer];
        var (row, rows) = Cells(tile.Top, tile.InteriorTop, tile.InteriorHeight, Top, Height, jump);
        var (column, columns) = Cells(tile.Left, tile.InteriorLeft, tile.InteriorWidth, Left, Width, jump);
        var features = map.narrow(2, row - tile.Top / jump, rows).narrow(3, column - tile.Left / jump, columns);
        return (features, new CellWindow(row - Top / jump, column - Left / jump, rows, columns));
    }

    // The cells (in the padded map) of an interior that are also cells of the image.
    private static (long First, long Count) Cells(long start, long interiorStart, long interiorLength, long pad, long real, long jump)
    {
        var first = Math.Max(interiorStart / jump, pad / jump);
        var end = Math.Min((interiorStart + interiorLength) / jump, pad / jump + (real + jump - 1) / jump);
        return (first, end - first);
    }

    // Interiors along one side: even pieces (multiples of the alignment) of the span the image's cells need.
    private List<(long Start, long Length)> Spans(long pad, long real)
    {
        var alignment = _geometry.Alignment;
        var span = TileGeometry.RoundUp(real, alignment);
        var count = (span + _geometry.Side - 1) / _geometry.Side;
        var length = TileGeometry.RoundUp((span + count - 1) / count, alignment);
        var spans = new List<(long, long)>();
        for (var start = 0L; start < span; start += length) spans.Add((pad + start, Math.Min(length, span - start)));
        return spans;
    }

    private Tile Make((long Start, long Length) row, (long Start, long Length) column)
    {
        var top = Math.Max(0, row.Start - _geometry.HaloBefore);
        var bottom = Math.Min(PaddedHeight, row.Start + row.Length + _geometry.HaloAfter);
        var left = Math.Max(0, column.Start - _geometry.HaloBefore);
        var right = Math.Min(PaddedWidth, column.Start + column.Length + _geometry.HaloAfter);
        return new Tile(top, left, bottom - top, right - left, row.Start, column.Start, row.Length, column.Length);
    }
}
