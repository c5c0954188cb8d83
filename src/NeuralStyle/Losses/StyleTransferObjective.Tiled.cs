using NeuralStyle.Tiling;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

public sealed partial class StyleTransferObjective
{
    /// <summary>
    /// The loss and its exact gradient, one tile at a time, per octave of the image:
    /// <list type="number">
    /// <item>every tile's style sums, without gradient, added into the whole map's (<see cref="ISummedTerm"/>);
    /// the style value, and its gradient with respect to those sums, come from the totals;</item>
    /// <item>per tile, with gradient: the tile's share of the loss, Σ ⟨∂L/∂sums, the tile's sums⟩ plus its part of
    /// the content term (which is linear in its sum), back-propagated to the tile's input; tile gradients add up
    /// into the gradient of the padded image, halos overlapping;</item>
    /// <item>one backward pass from the padded images (and the total variation of the whole image) through the
    /// padding, the octave shrinking and the normalisation to the image being optimised.</item>
    /// </list>
    /// By the chain rule this is the whole image's gradient: each cell's features are the whole image's
    /// (<see cref="TileGeometry"/>), and each cell belongs to exactly one tile. Memory: one tile's activations and
    /// backward, plus a few image-sized tensors.
    /// </summary>
    private LossBreakdown TiledBackward(Tensor input, Tensor pixels)
    {
        var tiles = _tiles!;
        using var scope = torch.NewDisposeScope();
        var outputs = new List<Tensor>();
        var gradients = new List<Tensor>();
        double content = 0, style = 0, tv = 0, temporal = 0;
        for (var octave = 0; octave < OctaveCount; octave++)
        {
            var terms = octave < _styleOctaves.Count ? _styleOctaves[octave] : [];
            var withContent = octave == _contentOctave;
            var image = Octaves.Of(input, octave);
            var layout = tiles.Layout(image.shape[2], image.shape[3]);
            var padded = tiles.Network.Pad(image);
            var source = padded.detach();

            var (styleValue, sumGradients) = StyleSumGradients(terms, layout, source);
            style += styleValue;

            var paddedGradient = torch.zeros_like(source);
            var layers = terms.Select(t => t.Layer).Concat(withContent ? [_content!.Layer] : []).Distinct().ToList();
            foreach (var tile in layout.Tiles)
            {
                using var tileScope = torch.NewDisposeScope();
                Tensor piece;
                using (torch.no_grad()) piece = TileLayout.PieceOf(tile, source).clone();
                piece.requires_grad_(true);
                var features = tiles.Network.Inner.Extract(piece, layers);
                Tensor? share = null;
                for (var i = 0; i < terms.Count; i++)
                {
                    var (cells, window) = layout.Crop(tile, terms[i].Layer, features[terms[i].Layer]);
                    var sums = terms[i].Sums(cells, window);
                    foreach (var (sum, gradient) in sums.Zip(sumGradients[i]))
                        share = Add(share, sum.mul(gradient).sum());
                }
                if (withContent)
                {
                    var (cells, window) = layout.Crop(tile, _content!.Layer, features[_content.Layer]);
                    var (h, w) = layout.MapSize(tiles.Jumps[_content.Layer]);
                    var part = _content.Loss(_content.Sums(cells, window), new MapShape(cells.shape[1], h, w)).mul(_contentWeight);
                    content += part.item<float>();
                    share = Add(share, part);
                }
                if (share is null) continue;
                share.backward();
                TileLayout.PieceOf(tile, paddedGradient).add_(piece.grad!);
            }
            outputs.Add(padded);
            gradients.Add(paddedGradient);
        }
        if (_tvWeight > 0)
        {
            var tvTerm = TotalVariationLoss.Evaluate(pixels).mul(_tvWeight);
            tv = tvTerm.item<float>();
            outputs.Add(tvTerm);
            gradients.Add(torch.ones_like(tvTerm));
        }
        if (_temporal is not null)
        {
            var temporalTerm = _temporal.Evaluate(pixels);
            temporal = temporalTerm.item<float>();
            outputs.Add(temporalTerm);
            gradients.Add(torch.ones_like(temporalTerm));
        }
        torch.autograd.backward(outputs, gradients);
        return new LossBreakdown(content, style, tv, temporal);
    }

    /// <summary>β·Σ of the octave's style terms, from the sums over all tiles, and each term's gradient with respect
    /// to its sums (what a tile's sums are multiplied by to get its share of the gradient).</summary>
    private (double Value, List<Tensor[]> Gradients) StyleSumGradients(List<IStyleTerm> terms, TileLayout layout, Tensor source)
    {
        var totals = terms.Select(_ => (Tensor[]?)null).ToList();
        var shapes = new MapShape[terms.Count];
        var tiles = _tiles!;
        using (torch.no_grad())
        {
            layout.ForEachTile(source, terms.Select(t => t.Layer).Distinct().ToList(), (layer, cells, window) =>
            {
                for (var i = 0; i < terms.Count; i++)
                {
                    if (terms[i].Layer != layer) continue;
                    var sums = terms[i].Sums(cells, window);
                    if (totals[i] is { } total)
                        foreach (var (sum, add) in total.Zip(sums)) sum.add_(add);
                    else
                    {
                        totals[i] = sums.Select(s => s.MoveToOuterDisposeScope()).ToArray();
                        var (h, w) = layout.MapSize(tiles.Jumps[layer]);
                        shapes[i] = new MapShape(cells.shape[1], h, w);
                    }
                }
            });
        }
        var value = 0.0;
        var gradients = new List<Tensor[]>();
        for (var i = 0; i < terms.Count; i++)
        {
            var leaves = totals[i]!.Select(t => t.detach().requires_grad_(true)).ToArray();
            using var loss = terms[i].Loss(leaves, shapes[i]).mul(_styleWeight);
            loss.backward();
            value += loss.item<float>();
            gradients.Add(leaves.Select(l => l.grad!.detach()).ToArray());
        }
        return (value, gradients);
    }

    private static Tensor Add(Tensor? sum, Tensor term) => sum is null ? term : sum + term;
}
