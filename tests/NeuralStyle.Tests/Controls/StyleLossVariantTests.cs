using NeuralStyle.Reports;
using NeuralStyle.Losses;
using NeuralStyle.Transfer;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Controls;

/// <summary><c>--style-loss mean-cov|wasserstein</c>: values, float64 gradient checks, and a real run.</summary>
public sealed class StyleLossVariantTests(ITestOutputHelper output)
{
    private static GaussianStyleLoss LossFor(StyleLossKind kind, Tensor styleFeatures)
    {
        var (mean, covariance) = GaussianStyleLoss.Statistics(styleFeatures);
        using (mean) using (covariance) return new GaussianStyleLoss(kind, "x", 1, mean, covariance);
    }

    [Theory]
    [InlineData(StyleLossKind.MeanCov)]
    [InlineData(StyleLossKind.Wasserstein)]
    public void ZeroForIdenticalFeaturesPositiveOtherwise(StyleLossKind kind)
    {
        torch.manual_seed(1);
        using var features = torch.rand(1, 6, 5, 5, dtype: ScalarType.Float64);
        using var other = torch.rand(1, 6, 5, 5, dtype: ScalarType.Float64).mul(2);
        using var loss = LossFor(kind, features);
        using var same = loss.Evaluate(features);
        using var different = loss.Evaluate(other);
        output.WriteLine($"{kind}: identical {same.item<double>():E2}, different {different.item<double>():E3}");
        Assert.True(Math.Abs(same.item<double>()) < 1e-6, $"identical features give {same.item<double>()}");
        Assert.True(different.item<double>() > 1e-2, $"different features give only {different.item<double>()}");
    }

    [Fact]
    public void NewtonSchulzSquareRootMatchesEigendecomposition()
    {
        torch.manual_seed(2);
        using var scope = torch.NewDisposeScope();
        var b = torch.randn(8, 8, dtype: ScalarType.Float64);
        var a = b.matmul(b.t()).add(torch.eye(8, dtype: ScalarType.Float64).mul(0.1)); // SPD, condition ~10³
        var root = GaussianStyleLoss.NewtonSchulzSquareRoot(a, GaussianStyleLoss.NewtonSchulzSteps);
        var error = (root.matmul(root) - a).abs().max().item<double>() / a.abs().max().item<double>();
        output.WriteLine($"relative max |R·R − A| = {error:E2}");
        Assert.True(error < 1e-6);
    }

    [Fact]
    public void WassersteinEqualsTheClosedFormForDiagonalGaussians()
    {
        // Two channels, independent: W2² = Σ_c (μ1−μ2)² + (σ1−σ2)². Features built to have exact moments.
        using var scope = torch.NewDisposeScope();
        var pattern = torch.tensor(new double[] { 1, -1, 1, -1 }).reshape(1, 1, 2, 2);
        var swapped = torch.tensor(new double[] { 1, 1, -1, -1 }).reshape(1, 1, 2, 2); // uncorrelated with pattern
        var style = torch.cat([pattern.mul(2).add(1), swapped.mul(3).add(-1)], 1);      // μ=(1,−1), σ=(2,3)
        var target = torch.cat([pattern.mul(1).add(0), swapped.mul(1).add(0)], 1);      // μ=(0,0), σ=(1,1)
        using var loss = LossFor(StyleLossKind.Wasserstein, style);
        var value = loss.Evaluate(target).item<double>();
        var w2 = (1 + 1) + (1 + 4);                 // means + (σ differences)²
        var scale = (1 + 1) + (4 + 9);              // ‖μs‖² + tr Σs, the normalisation
        Assert.Equal((double)w2 / scale, value, 6);
    }

    [Theory]
    [InlineData(StyleLossKind.MeanCov)]
    [InlineData(StyleLossKind.Wasserstein)]
    public void GradientMatchesFiniteDifferencesInFloat64(StyleLossKind kind)
    {
        torch.manual_seed(4);
        using var scope = torch.NewDisposeScope();
        var style = torch.rand(1, 3, 3, 3, dtype: ScalarType.Float64);
        var statistics = StyleTerms.Statistics(kind, style, LossNormalization.ScaleFree, false);
        using var loss = StyleTerms.Create(kind, "x", 1, statistics, LossNormalization.ScaleFree, false);
        var x = torch.rand(1, 3, 3, 3, dtype: ScalarType.Float64).requires_grad_();
        loss.Evaluate(x).backward();
        var analytic = x.grad!.clone();

        const double h = 1e-6;
        var worst = 0.0;
        var flat = x.detach().clone().reshape(-1);
        for (var i = 0; i < flat.shape[0]; i++)
        {
            double At(double delta)
            {
                using var s = torch.NewDisposeScope();
                var p = flat.clone();
                p[i] = p[i] + delta;
                return loss.Evaluate(p.reshape(x.shape)).item<double>();
            }
            var numeric = (At(h) - At(-h)) / (2 * h);
            var a = analytic.reshape(-1)[i].item<double>();
            worst = Math.Max(worst, Math.Abs(numeric - a) / Math.Max(1e-3, Math.Abs(numeric)));
        }
        output.WriteLine($"{kind}: worst relative gradient error {worst:E2}");
        Assert.True(worst < 1e-5, $"{kind}: gradient off by {worst}");
    }

    [Theory]
    [InlineData(StyleLossKind.MeanCov)]
    [InlineData(StyleLossKind.Wasserstein)]
    public void RealRunLowersTheStyleTerm(StyleLossKind kind)
    {
        var history = new LossHistory(); // records every step
        var reports = history.Reports;
        // conv1…layer2 (64–128 channels): layer3/4's 256–512-channel square roots would make this test slow, not stronger.
        var settings = Small(15) with { StyleLoss = kind, StyleLayers = LayerWeights.Parse("conv1,layer1,layer2") };
        var result = StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(Photo, [Starry], settings), progress: history);
        result.Dispose();
        output.WriteLine($"{kind}: style {reports[0].Terms.Style:F4} → {reports[^1].Terms.Style:F4}");
        Assert.True(reports[^1].Terms.Style < 0.5 * reports[0].Terms.Style,
            $"style fell only from {reports[0].Terms.Style} to {reports[^1].Terms.Style}");
    }
}
