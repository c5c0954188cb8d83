using NeuralStyle.Tests.Support;
using NeuralStyle.Weights;
using TorchSharp;

namespace NeuralStyle.Tests.Weights;

/// <summary>
/// Checkpoints written here, byte for byte, so every value, offset and stride is known: views with
/// a storage offset, a transposed (non-contiguous) view, several tensors sharing one storage, a
/// scalar, and float64 / float16 / int64 storages. Expected values are computed by plain indexing
/// into the written arrays, independently of torch's strided views.
/// </summary>
public sealed class SyntheticCheckpointTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"neuralstyle-{Guid.NewGuid():N}.pth");

    // Storage "0": 12 floats shared by three tensors.
    private static readonly float[] Floats = Enumerable.Range(0, 12).Select(i => i * 1.5f - 4.25f).ToArray();
    private static readonly double[] Doubles = [0.1, -1e-300, Math.PI];
    private static readonly Half[] Halves = [(Half)1.5, (Half)(-2.25), (Half)65504];
    private static readonly long[] Longs = [7, -9_999_999_999, 42];

    public void Dispose() => File.Delete(_path);

    private void Write(bool zip)
    {
        var f = new PyStorage("FloatStorage", "0", Floats.Length, Bytes(Floats));
        var d = new PyStorage("DoubleStorage", "1", Doubles.Length, Bytes(Doubles));
        var h = new PyStorage("HalfStorage", "2", Halves.Length, Bytes(Halves));
        var l = new PyStorage("LongStorage", "3", Longs.Length, Bytes(Longs));
        var dict = new PyOrderedDict(
        [
            new("full", new PyTensor(f, 0, [3, 4], [4, 1])),
            new("transposed", new PyTensor(f, 0, [4, 3], [1, 4])),
            new("window", new PyTensor(f, 5, [2, 3], [4, 1])),
            new("doubles", new PyTensor(d, 0, [3], [1])),
            new("halves", new PyTensor(h, 1, [2], [1])),
            new("longs", new PyTensor(l, 0, [3], [1])),
            new("scalar", new PyTensor(l, 2, [], [])),
        ]);
        if (zip)
            TorchCheckpointWriter.WriteZip(_path, dict, [f, d, h, l]);
        else
            TorchCheckpointWriter.WriteLegacy(_path, dict, [f, d, h, l]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadsExactlyTheValuesWritten(bool zip)
    {
        Write(zip);
        using var scope = torch.NewDisposeScope();

        var dict = CheckpointLoader.Load(_path);

        Assert.Equal(["full", "transposed", "window", "doubles", "halves", "longs", "scalar"], dict.Keys);
        TensorAssert.Identical(torch.tensor(Floats, [3, 4]), dict["full"], "full");
        TensorAssert.Identical(torch.tensor(Pick(12, i => i / 3 + i % 3 * 4), [4, 3]), dict["transposed"], "transposed");
        TensorAssert.Identical(torch.tensor(new[] { Floats[5], Floats[6], Floats[7], Floats[9], Floats[10], Floats[11] }, [2, 3]),
            dict["window"], "window");
        TensorAssert.Identical(torch.tensor(Doubles), dict["doubles"], "doubles");
        TensorAssert.Identical(torch.tensor(new[] { -2.25f, 65504f }).to_type(torch.ScalarType.Float16), dict["halves"], "halves");
        TensorAssert.Identical(torch.tensor(Longs), dict["longs"], "longs");
        Assert.Empty(dict["scalar"].shape);
        Assert.Equal(42L, dict["scalar"].item<long>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TensorsSharingAStorageAreIndependentCopies(bool zip)
    {
        Write(zip);
        using var scope = torch.NewDisposeScope();
        var dict = CheckpointLoader.Load(_path);

        dict["full"].zero_();
        dict["transposed"].Dispose();

        TensorAssert.Identical(torch.tensor(new[] { Floats[5], Floats[6], Floats[7], Floats[9], Floats[10], Floats[11] }, [2, 3]),
            dict["window"], "window after its storage siblings were changed");
        Assert.True(dict["window"].is_contiguous());
    }

    [Fact]
    public void ConvertsFloatingTensorsOnlyWhenAsked()
    {
        Write(zip: false);
        using var scope = torch.NewDisposeScope();

        var dict = CheckpointLoader.Load(_path, torch.ScalarType.Float32);

        TensorAssert.Identical(torch.tensor(Doubles.Select(v => (float)v).ToArray()), dict["doubles"], "doubles");
        TensorAssert.Identical(torch.tensor(new[] { -2.25f, 65504f }), dict["halves"], "halves");
        TensorAssert.Identical(torch.tensor(Longs), dict["longs"], "longs kept as int64");
    }

    [Fact]
    public void ReturnedTensorsOutliveTheCallersScopeOnlyIfMovedOut()
    {
        Write(zip: true);
        Dictionary<string, torch.Tensor> dict;
        using (torch.NewDisposeScope())
            dict = CheckpointLoader.Load(_path);
        Assert.True(dict["full"].IsInvalid, "tensors belong to the scope they were loaded in");

        dict = CheckpointLoader.Load(_path);
        Assert.False(dict["full"].IsInvalid);
        foreach (var t in dict.Values)
            t.Dispose();
    }

    [Fact]
    public void RejectsAViewReachingOutsideItsStorage()
    {
        var f = new PyStorage("FloatStorage", "0", Floats.Length, Bytes(Floats));
        TorchCheckpointWriter.WriteLegacy(_path, new PyOrderedDict([new("bad", new PyTensor(f, 4, [3, 4], [4, 1]))]), [f]);

        var e = Assert.Throws<NeuralStyleException>(() => CheckpointLoader.Load(_path));

        Assert.Contains("corrupt", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void RejectsAnUnsupportedStorageType()
    {
        var q = new PyStorage("QInt8Storage", "0", 4, new byte[4]);
        TorchCheckpointWriter.WriteZip(_path, new PyOrderedDict([new("q", new PyTensor(q, 0, [4], [1]))]), [q]);

        var e = Assert.Throws<NeuralStyleException>(() => CheckpointLoader.Load(_path));

        Assert.Equal($"weights file '{_path}' uses the unsupported storage type torch.QInt8Storage.", e.Message);
    }

    private static float[] Pick(int n, Func<int, int> index) => Enumerable.Range(0, n).Select(i => Floats[index(i)]).ToArray();

    private static byte[] Bytes<T>(T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
