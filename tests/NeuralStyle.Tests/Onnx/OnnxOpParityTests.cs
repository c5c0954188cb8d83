using NeuralStyle.Onnx;
using TorchSharp;
using Xunit.Abstractions;

namespace NeuralStyle.Tests.Onnx;

/// <summary>Every supported op, on a tiny hand-made graph, must give what ONNX Runtime gives.</summary>
public class OnnxOpParityTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(OpCases.Names), MemberType = typeof(OpCases))]
    public void MatchesOnnxRuntime(string name)
    {
        var @case = OpCases.All[name];
        var path = Path.Combine(Path.GetTempPath(), $"op-{Guid.NewGuid():N}.onnx");
        try
        {
            var model = @case.Graph().Build();
            File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(model));
            var count = (int)@case.InputShape.Aggregate(1L, (p, d) => p * d);
            var input = OnnxGraphBuilder.RandomValues(seed: 42, count).Select(v => v * 3f).ToArray();
            var (expected, expectedShape) = OrtOracle.Run(path, "x", input, @case.InputShape, ["y"])["y"];

            // The rank-2 Gemm case has no image input; the executor insists on [N, C, H, W], so it is
            // checked through the internal entry that skips that check.
            using var executor = new OnnxExecutor(model, name);
            using var scope = torch.NewDisposeScope();
            var x = torch.tensor(input, @case.InputShape);
            var actual = executor.RunAnyRank(x, ["y"])["y"];

            Assert.Equal(expectedShape, actual.shape);
            var values = TensorCompare.Values(actual);
            output.WriteLine($"{name}: shape [{string.Join(",", expectedShape)}], max abs diff {TensorCompare.MaxAbsDiff(values, expected):G3}");
            TensorCompare.AssertClose(values, expected, rtol: 1e-5, atol: 1e-6, name);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
