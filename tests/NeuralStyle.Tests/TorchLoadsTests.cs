using TorchSharp;

namespace NeuralStyle.Tests;

public class TorchLoadsTests
{
    [Fact]
    public void NativeTorchInitialisesAndComputes()
    {
        // Fails with a TypeInitializationException if the libstdc++ compatibility patch did not apply.
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var sum = a.sum();
        Assert.Equal(6f, sum.item<float>());
    }
}
