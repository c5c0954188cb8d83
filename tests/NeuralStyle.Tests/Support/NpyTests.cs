using System.Text;
using TorchSharp;

namespace NeuralStyle.Tests.Support;

public class NpyTests
{
    [SkippableFact]
    public void ReadsTheReferenceInputAsAnImageBatchInUnitRange()
    {
        var path = SharedFiles.Fixture("ref-input-tubingen-96x64.npy");
        using var scope = torch.NewDisposeScope();

        var input = Npy.Read(path);

        Assert.Equal(new long[] { 1, 3, 64, 96 }, input.shape);
        Assert.Equal(torch.ScalarType.Float32, input.dtype);
        var min = input.min().item<float>();
        var max = input.max().item<float>();
        Assert.InRange(min, 0f, 1f);
        Assert.InRange(max, 0f, 1f);
        Assert.True(max - min > 0.5f, $"a photo should span much of [0,1], got [{min}, {max}]");
    }

    [Theory]
    [InlineData(1, "<f4")]
    [InlineData(2, "<f4")]
    [InlineData(1, "<f8")]
    public void ReadsWhatWasWrittenInCOrder(int version, string descr)
    {
        using var scope = torch.NewDisposeScope();
        var values = new[] { 0.5, -1.25, 3.0, 1e-3, 7.75, -0.0625 };
        var path = Path.GetTempFileName();
        try
        {
            WriteNpy(path, version, descr, "(2, 3)", values);

            var tensor = Npy.Read(path);

            Assert.Equal(new long[] { 2, 3 }, tensor.shape);
            for (var i = 0; i < 2; i++)
                for (var j = 0; j < 3; j++)
                    Assert.Equal((float)values[i * 3 + j], tensor[i, j].item<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void RejectsFortranOrder()
    {
        var path = Path.GetTempFileName();
        try
        {
            WriteNpy(path, 1, "<f4", "(2, 3)", new double[6], fortran: true);
            Assert.Throws<InvalidDataException>(() => Npy.Read(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void WriteNpy(string path, int version, string descr, string shape, double[] values, bool fortran = false)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        var prefix = version == 1 ? 10 : 12;
        var padded = dict.PadRight((prefix + dict.Length + 1 + 63) / 64 * 64 - prefix - 1) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, .. "NUMPY"u8, (byte)version, 0]);
        if (version == 1)
            file.Write(BitConverter.GetBytes((ushort)padded.Length));
        else
            file.Write(BitConverter.GetBytes((uint)padded.Length));
        file.Write(Encoding.Latin1.GetBytes(padded));
        foreach (var v in values)
            file.Write(descr == "<f4" ? BitConverter.GetBytes((float)v) : BitConverter.GetBytes(v));
    }
}
