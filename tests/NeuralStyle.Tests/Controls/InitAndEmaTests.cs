using NeuralStyle.Transfer;
using TorchSharp;
using static TorchSharp.torch;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Controls;

/// <summary><c>--init noise-blend:A</c> and <c>--ema DECAY</c>.</summary>
public sealed class InitAndEmaTests
{
    [Theory]
    [InlineData("noise-blend:0.5", 0.5)]
    [InlineData("noise-blend:0", 0.0)]
    [InlineData("noise-blend:1", 1.0)]
    public void NoiseBlendParsesAndPrintsBack(string text, double amount)
    {
        var init = InitialImage.Parse(text);
        Assert.Equal(InitialImageKind.NoiseBlend, init.Kind);
        Assert.Equal(amount, init.NoiseAmount);
        Assert.Equal(InitialImage.Parse(init.ToString()), init);
    }

    [Theory]
    [InlineData("noise-blend:1.5")]
    [InlineData("noise-blend:x")]
    [InlineData("noise-blend:")]
    public void NoiseBlendOutsideZeroToOneIsAOneLineError(string text)
    {
        var error = Assert.Throws<NeuralStyleException>(() => InitialImage.Parse(text));
        Assert.Contains("between 0 and 1", error.Message);
    }

    [Fact]
    public void NoiseBlendStartLiesBetweenContentAndNoise()
    {
        // Zero iterations return the start image itself, so the start can be measured.
        using var content = Run(Small(0), [Starry]);
        using var half = Run(Small(0) with { Init = InitialImage.Parse("noise-blend:0.5") }, [Starry]);
        using var noise = Run(Small(0) with { Init = InitialImage.Noise }, [Starry]);
        // Same seed, same noise: the blend is exactly halfway (up to float rounding).
        using var expected = content.mul(0.5).add(noise.mul(0.5));
        Assert.True(allclose(half, expected, rtol: 0, atol: 1e-6));
        using var d = (half - content).abs().mean();
        Assert.True(d.item<float>() > 0.05, "half the start should be noise");
    }

    [Fact]
    public void AverageFollowsTheRecurrence()
    {
        using var average = new IterateAverage(0.75);
        Assert.Null(average.Snapshot());
        foreach (var v in new[] { 4f, 0f, 8f })
        {
            using var x = torch.full(1, 3, 2, 2, v);
            average.Update(x);
        }
        // a1 = 4; a2 = 0.75·4 + 0.25·0 = 3; a3 = 0.75·3 + 0.25·8 = 4.25
        using var result = average.Snapshot()!;
        Assert.True(allclose(result, torch.full(1, 3, 2, 2, 4.25f)));
    }

    [Fact]
    public void EmaRunOutputsTheAverageOfThePlainRunsIterates()
    {
        // A plain run hands out every iterate (--save-every 1, then the result); the same run with
        // --ema must return exactly their exponential moving average.
        var settings = Small(8) with { Optimizer = OptimizerKind.Adam, LearningRate = 0.02, SaveEvery = 1 };
        var iterates = new List<Tensor>();
        using (var plain = new StyleTransferSession(settings, StyleTransferInputs.FromFiles(Photo, [Starry], settings)))
            while (plain.Step() is not null)
                iterates.Add(plain.CurrentImage().DetachFromDisposeScope());
        using var averaged = StyleTransferSession.Stylize(settings with { EmaDecay = 0.8 }, StyleTransferInputs.FromFiles(Photo, [Starry], settings)).Image;

        Assert.Equal(8, iterates.Count);
        using var expected = iterates[0].clone();
        foreach (var x in iterates.Skip(1)) expected.mul_(0.8).add_(x, alpha: 0.2);
        Assert.True(allclose(averaged, expected, rtol: 0, atol: 1e-6), $"max difference {(averaged - expected).abs().max().item<float>()}");
        Assert.False(allclose(averaged, iterates[^1], rtol: 0, atol: 1e-3), "the average should differ from the last iterate");
        foreach (var x in iterates) x.Dispose();
    }

    [Fact]
    public void EmaOutsideZeroToOneIsRejected()
    {
        var error = Assert.Throws<SettingException>(() => (Small() with { EmaDecay = 1 }).Validate());
        Assert.StartsWith("EmaDecay must be in [0, 1)", error.Message);
    }
}
