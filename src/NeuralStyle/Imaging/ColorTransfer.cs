using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Imaging;

/// <summary>
/// Colour-statistics operations on RGB image tensors [1,3,H,W] in [0,1], used to keep the photo's colours
/// (see <c>ColorPreservation</c>). Statistics are computed in float64: covariances of nearly grey images
/// are close to singular, and float32 square roots of them lose the match we test for.
/// </summary>
public static class ColorTransfer
{
    // NTSC YIQ. Y is the usual Rec. 601 luma; I and Q carry the chroma.
    private static readonly double[,] RgbToYiqRows =
    {
        { 0.299, 0.587, 0.114 },
        { 0.595716, -0.274453, -0.321263 },
        { 0.211456, -0.522591, 0.311135 },
    };

    /// <summary>[1,3,H,W] RGB → [1,3,H,W] YIQ (same dtype).</summary>
    public static Tensor ToYiq(Tensor rgb)
    {
        using var scope = torch.NewDisposeScope();
        using var m = RgbToYiq(rgb.dtype);
        return torch.einsum("ij,bjhw->bihw", m, rgb).MoveToOuterDisposeScope();
    }

    /// <summary>The inverse of <see cref="ToYiq"/>.</summary>
    public static Tensor FromYiq(Tensor yiq)
    {
        using var scope = torch.NewDisposeScope();
        var inverse = torch.linalg.inv(RgbToYiq(ScalarType.Float64)).to(yiq.dtype);
        return torch.einsum("ij,bjhw->bihw", inverse, yiq).MoveToOuterDisposeScope();
    }

    /// <summary>The luminance Y of an RGB image as a grey RGB image (Y in all three channels), which is
    /// what an RGB network is fed when only luminance should be styled.</summary>
    public static Tensor LuminanceAsGrey(Tensor rgb)
    {
        using var scope = torch.NewDisposeScope();
        return ToYiq(rgb).narrow(1, 0, 1).expand(-1, 3, -1, -1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>A painting's luminance, shifted and scaled so its mean and standard deviation equal the
    /// photo's, as a grey RGB image. Without this a dark painting would darken the photo. Not clamped:
    /// clamping would undo the match, and the network accepts any values.</summary>
    public static Tensor MatchedLuminance(Tensor style, Tensor content)
    {
        using var scope = torch.NewDisposeScope();
        var ys = LuminanceAsGrey(style);
        var yc = LuminanceAsGrey(content);
        var scale = yc.std().div(ys.std().clamp_min(1e-6));
        return ys.sub(ys.mean()).mul(scale).add(yc.mean()).MoveToOuterDisposeScope();
    }

    /// <summary>The luminance of <paramref name="styled"/> with the chroma (I, Q) of <paramref name="content"/>
    /// (same size), clamped to [0,1].</summary>
    public static Tensor RecombineChroma(Tensor styled, Tensor content)
    {
        using var scope = torch.NewDisposeScope();
        var y = ToYiq(styled).narrow(1, 0, 1);
        var iq = ToYiq(content).narrow(1, 1, 2);
        return FromYiq(torch.cat([y, iq], 1)).clamp_(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Maps the colours of <paramref name="style"/> so their mean and 3×3 covariance equal those of
    /// <paramref name="content"/>: x' = A·(x − μs) + μc with A = Σc^½·Σs^−½, symmetric square roots by
    /// eigendecomposition. Of the matrices with A·Σs·Aᵀ = Σc this symmetric one is the choice Gatys et al.
    /// use (from Image Analogies); Cholesky factors would also match but add an arbitrary rotation of the
    /// colours. Not clamped, so the statistics match exactly; the network accepts values outside [0,1].
    /// </summary>
    public static Tensor MatchColorStatistics(Tensor style, Tensor content)
    {
        using var scope = torch.NewDisposeScope();
        var (meanS, covS) = ColorStatistics(style);
        var (meanC, covC) = ColorStatistics(content);
        var a = SymmetricPower(covC, 0.5).matmul(SymmetricPower(covS, -0.5));
        var pixels = style.to(ScalarType.Float64).reshape(3, -1);
        var mapped = a.matmul(pixels - meanS.unsqueeze(1)) + meanC.unsqueeze(1);
        return mapped.reshape(style.shape).to(style.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Per-channel mean [3] and covariance [3,3] (over pixels, divided by N) in float64.</summary>
    public static (Tensor Mean, Tensor Covariance) ColorStatistics(Tensor rgb)
    {
        using var scope = torch.NewDisposeScope();
        var pixels = rgb.to(ScalarType.Float64).reshape(3, -1);
        var mean = pixels.mean([1]);
        var centred = pixels - mean.unsqueeze(1);
        var covariance = centred.matmul(centred.t()).div(pixels.shape[1]);
        return (mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    /// <summary>M^p of a symmetric positive semi-definite matrix; eigenvalues are floored at 1e-10 so a
    /// flat-coloured image (a zero eigenvalue) gives a finite inverse root.</summary>
    private static Tensor SymmetricPower(Tensor m, double p)
    {
        using var scope = torch.NewDisposeScope();
        var (values, vectors) = torch.linalg.eigh(m);
        var powered = values.clamp_min(1e-10).pow(p);
        return vectors.matmul(torch.diag(powered)).matmul(vectors.t()).MoveToOuterDisposeScope();
    }

    private static Tensor RgbToYiq(ScalarType dtype) => torch.tensor(RgbToYiqRows, dtype: ScalarType.Float64).to(dtype);
}
