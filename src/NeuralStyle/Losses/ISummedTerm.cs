using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Losses;

/// <summary>
/// A loss term that depends on a layer's features only through sums over positions (Σ F·Fᵀ, Σ F, Σ (F−P)², …).
/// Every term is written so, because sums can be taken piece by piece: a tiled run adds the sums of its tiles,
/// evaluates <see cref="Loss"/> once on the totals, and sends each tile the gradient with respect to the totals
/// (StyleTransferObjective.Tiled.cs). The whole-image path is the same two calls on one piece, so both paths share one
/// definition of every loss.
/// </summary>
public interface ISummedTerm
{
    string Layer { get; }

    /// <summary>The term's sums over the positions of <paramref name="features"/> ([1,C,h,w], a piece of the whole
    /// map at <paramref name="window"/>), differentiable. Sums of pieces that cover the map once add up to the
    /// sums of the whole map.</summary>
    Tensor[] Sums(Tensor features, CellWindow window);

    /// <summary>The weighted term from the whole map's sums (differentiable with respect to them).</summary>
    Tensor Loss(IReadOnlyList<Tensor> sums, MapShape whole);
}

public static class SummedTerms
{
    /// <summary>The term of a whole feature map: <see cref="ISummedTerm.Loss"/> of its <see cref="ISummedTerm.Sums"/>.</summary>
    public static Tensor EvaluateWhole(this ISummedTerm term, Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var sums = term.Sums(features, CellWindow.Whole(features));
        return term.Loss(sums, MapShape.Of(features)).MoveToOuterDisposeScope();
    }
}
