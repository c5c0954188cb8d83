using NeuralStyle.Tests.Support;
using NeuralStyle.Weights;
using TorchSharp;

namespace NeuralStyle.Tests.Weights;

/// <summary>Bad files must give one clear line naming the file — never a pickle/zip exception.</summary>
public sealed class CheckpointErrorTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"neuralstyle-{Guid.NewGuid():N}.pth");

    public void Dispose() => File.Delete(_path);

    private NeuralStyleException LoadFails()
    {
        var e = Assert.Throws<NeuralStyleException>(() => CheckpointLoader.Load(_path));
        Assert.StartsWith($"weights file '{_path}' ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        return e;
    }

    [Fact]
    public void MissingFile() => Assert.Contains("does not exist", LoadFails().Message);

    [Fact]
    public void EmptyFile()
    {
        File.WriteAllBytes(_path, []);
        Assert.Contains("is empty", LoadFails().Message);
    }

    [Fact]
    public void TextFile()
    {
        File.WriteAllText(_path, "features.0.weight = [0.1, 0.2]\n");
        Assert.Contains("is not a PyTorch checkpoint", LoadFails().Message);
    }

    [Fact]
    public void RandomBytes()
    {
        var bytes = new byte[4096];
        new Random(1234).NextBytes(bytes);
        bytes[0] = 0x42; // keep it from looking like a zip or a pickle by chance
        File.WriteAllBytes(_path, bytes);
        Assert.Contains("is not a PyTorch checkpoint", LoadFails().Message);
    }

    [Fact]
    public void RandomBytesAfterAZipSignature()
    {
        var bytes = new byte[4096];
        new Random(99).NextBytes(bytes);
        "PK\x03\x04"u8.CopyTo(bytes);
        File.WriteAllBytes(_path, bytes);
        Assert.Contains("corrupt", LoadFails().Message);
    }

    [Fact]
    public void APickleThatIsNotACheckpoint()
    {
        using (var pickler = new Razorvine.Pickle.Pickler())
            File.WriteAllBytes(_path, pickler.dumps(new Dictionary<string, object> { ["a"] = 1 }));
        Assert.Contains("not a PyTorch checkpoint", LoadFails().Message);
    }

    [SkippableTheory]
    [InlineData("vgg19-partial-conv3_4.pth", 3)]
    [InlineData("vgg19-partial-conv3_4.pth", 100)]
    [InlineData("vgg19-partial-conv3_4.pth", 5_000_000)]
    [InlineData("vgg19-partial-conv3_4.pth", -10)]
    [InlineData("vgg19-partial-conv3_4-legacy.pth", 1)]
    [InlineData("vgg19-partial-conv3_4-legacy.pth", 40)]
    [InlineData("vgg19-partial-conv3_4-legacy.pth", 300)]
    [InlineData("vgg19-partial-conv3_4-legacy.pth", 5_000_000)]
    [InlineData("vgg19-partial-conv3_4-legacy.pth", -10)]
    public void TruncatedFixture(string fixture, int length)
    {
        var bytes = File.ReadAllBytes(SharedFiles.Fixture(fixture));
        File.WriteAllBytes(_path, bytes[..(length >= 0 ? length : bytes.Length + length)]);
        using var scope = torch.NewDisposeScope();

        var message = LoadFails().Message;

        Assert.Matches("truncated|corrupt|not a PyTorch checkpoint", message);
    }

    [SkippableFact]
    public void TruncatedLegacyDataSaysTruncated()
    {
        var bytes = File.ReadAllBytes(SharedFiles.Fixture("vgg19-partial-conv3_4-legacy.pth"));
        File.WriteAllBytes(_path, bytes[..^10]);
        Assert.Contains("is truncated", LoadFails().Message);
    }

    [SkippableFact]
    public void FailedLoadsFreeTheirTensors()
    {
        var bytes = File.ReadAllBytes(SharedFiles.Fixture("vgg19-partial-conv3_4-legacy.pth"));
        File.WriteAllBytes(_path, bytes[..^10]);
        using var scope = torch.NewDisposeScope();
        var before = scope.DisposablesCount;

        LoadFails();

        Assert.Equal(before, scope.DisposablesCount);
    }
}
