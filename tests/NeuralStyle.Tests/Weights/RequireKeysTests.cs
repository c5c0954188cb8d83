using NeuralStyle.Weights;
using TorchSharp;

namespace NeuralStyle.Tests.Weights;

public class RequireKeysTests
{
    [Fact]
    public void PassesWhenEveryKeyIsPresent()
    {
        using var scope = torch.NewDisposeScope();
        var dict = new Dictionary<string, torch.Tensor> { ["a"] = torch.zeros(1), ["b"] = torch.zeros(1) };
        CheckpointLoader.RequireKeys(dict, ["b", "a"], "w.pth", "layer x");
    }

    [Fact]
    public void NamesTheFirstMissingKeyItsPurposeAndWhatTheFileHolds()
    {
        using var scope = torch.NewDisposeScope();
        var dict = new Dictionary<string, torch.Tensor>
        {
            ["features.0.weight"] = torch.zeros(1),
            ["features.0.bias"] = torch.zeros(1),
            ["features.16.bias"] = torch.zeros(1),
        };

        var e = Assert.Throws<NeuralStyleException>(() => CheckpointLoader.RequireKeys(dict,
            ["features.0.weight", "features.19.weight", "features.19.bias"], "vgg.pth", "layer conv4_1"));

        Assert.Equal("weights file 'vgg.pth' has no 'features.19.weight' (needed for layer conv4_1); "
                     + "it holds 3 tensors, from 'features.0.weight' to 'features.16.bias'.", e.Message);
    }

    [Fact]
    public void SaysSoWhenTheFileHoldsNothing()
    {
        var e = Assert.Throws<NeuralStyleException>(() =>
            CheckpointLoader.RequireKeys(new Dictionary<string, torch.Tensor>(), ["w"], "x.pth", "layer conv1_1"));
        Assert.EndsWith("it holds no tensors.", e.Message);
    }
}
