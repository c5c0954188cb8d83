using NeuralStyle.Losses;
using NeuralStyle.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tiling;

/// <summary>
/// Reads a network's features of fixed images (the photo, the paintings) without gradient, whole or tile by
/// tile (<see cref="TileGeometry"/>): the targets of a run that must be tiled are computed tiled too, so a
/// painting as large as the output fits the same budget.
/// </summary>
public sealed class FeatureReader(IFeatureNetwork network, TileGeometry? tiles)
{
    public IFeatureNetwork Network => network;

    /// <summary>Null: whole images at once.</summary>
    public TileGeometry? Tiles => tiles;

    /// <summary>The whole feature maps of <paramref name="layers"/> (new tensors, no gradient).</summary>
    public Dictionary<string, Tensor> Maps(Tensor input, IReadOnlyCollection<string> layers)
    {
        using var noGrad = torch.no_grad();
        if (tiles is null) return network.Extract(input, layers).ToDictionary(p => p.Key, p => p.Value);
        using var scope = torch.NewDisposeScope();
        var layout = tiles.Layout(input.shape[2], input.shape[3]);
        var padded = tiles.Network.Pad(input);
        var maps = new Dictionary<string, Tensor>();
        layout.ForEachTile(padded, layers, (layer, piece, window) =>
        {
            if (!maps.TryGetValue(layer, out var whole))
            {
                var (h, w) = layout.MapSize(tiles.Jumps[layer]);
                whole = maps[layer] = torch.empty([1, piece.shape[1], h, w], dtype: piece.dtype).MoveToOuterDisposeScope();
            }
            window.Of(whole).copy_(piece);
        });
        foreach (var map in maps.Values) map.MoveToOuterDisposeScope();
        return maps;
    }

    /// <summary>Height and width of each layer's whole map for an image of this size.</summary>
    public Dictionary<string, (long Height, long Width)> MapSizes(Tensor input, IReadOnlyCollection<string> layers)
    {
        if (tiles is not null)
        {
            var layout = tiles.Layout(input.shape[2], input.shape[3]);
            return layers.ToDictionary(l => l, l => layout.MapSize(tiles.Jumps[l]));
        }
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return network.Extract(input, layers).ToDictionary(p => p.Key, p => (p.Value.shape[^2], p.Value.shape[^1]));
    }

    /// <summary>The sums a term needs (<see cref="ISummedTerm.Sums"/>-like, given by <paramref name="sums"/>) over each
    /// layer's whole map, with its shape; new tensors, no gradient.</summary>
    public Dictionary<string, (Tensor[] Sums, MapShape Shape)> Sums(Tensor input, IReadOnlyCollection<string> layers,
        Func<string, Tensor, CellWindow, Tensor[]> sums)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var totals = new Dictionary<string, (Tensor[] Sums, MapShape Shape)>();
        if (tiles is null)
        {
            var features = network.Extract(input, layers);
            foreach (var layer in layers) totals[layer] = (sums(layer, features[layer], CellWindow.Whole(features[layer])), MapShape.Of(features[layer]));
        }
        else
        {
            var layout = tiles.Layout(input.shape[2], input.shape[3]);
            var padded = tiles.Network.Pad(input);
            layout.ForEachTile(padded, layers, (layer, piece, window) =>
            {
                var part = sums(layer, piece, window);
                if (totals.TryGetValue(layer, out var total))
                    foreach (var (sum, add) in total.Sums.Zip(part)) sum.add_(add);
                else
                {
                    var (h, w) = layout.MapSize(tiles.Jumps[layer]);
                    totals[layer] = (part.Select(p => p.MoveToOuterDisposeScope()).ToArray(), new MapShape(piece.shape[1], h, w));
                }
            });
        }
        foreach (var total in totals.Values)
            foreach (var sum in total.Sums) sum.MoveToOuterDisposeScope();
        return totals;
    }
}
