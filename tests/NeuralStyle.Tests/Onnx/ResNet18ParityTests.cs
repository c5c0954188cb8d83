using NeuralStyle.Onnx;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NeuralStyle.Tests.Onnx;

/// <summary>
/// The bundled ResNet18 run by our TorchSharp executor must match ONNX Runtime on the same file and
/// input, tensor for tensor, at the file's own 224×224 and at another size.
/// </summary>
public class ResNet18ParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(224, 224)]
    [InlineData(160, 192)] // ResNet18's CNTK padding needs sizes divisible by 32 (see ResNet18SizeTests)
    public void EveryLayerMatchesOnnxRuntime(int height, int width)
    {
        using var network = ResNet18Network.Create();
        var layers = network.LayerNames;
        var tensors = layers.Select(network.TensorFor).Distinct().ToList();

        var modelPath = Path.Combine(Path.GetTempPath(), $"resnet18-parity-{Guid.NewGuid():N}.onnx");
        try
        {
            OrtOracle.ExposeOutputs(ResNet18Network.BundledPath, modelPath, tensors, anySize: height != 224 || width != 224);
            // Input in the network's own space: roughly what mean-subtracted 0..255 BGR pixels look like.
            var input = OnnxGraphBuilder.RandomValues(seed: 18, 3 * height * width).Select(v => v * 120f).ToArray();
            long[] shape = [1, 3, height, width];
            var expected = OrtOracle.Run(modelPath, "Input247", input, shape, tensors);

            using var scope = torch.NewDisposeScope();
            var actual = network.Extract(torch.tensor(input, shape), layers);
            foreach (var layer in layers)
            {
                var (data, expectedShape) = expected[network.TensorFor(layer)];
                Assert.Equal(expectedShape, actual[layer].shape);
                var values = TensorCompare.Values(actual[layer]);
                var scale = data.Max(Math.Abs);
                output.WriteLine($"{height}x{width} {layer,-9} [{string.Join(",", expectedShape)}] max |ref| {scale:F2}  max abs diff {TensorCompare.MaxAbsDiff(values, data):G3}");
                TensorCompare.AssertClose(values, data, rtol: 1e-4, atol: 1e-5 * scale, layer);
            }
        }
        finally
        {
            File.Delete(modelPath);
        }
    }
}
