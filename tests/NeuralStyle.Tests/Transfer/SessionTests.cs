using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;
using TorchSharp;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Transfer;

/// <summary><see cref="StyleTransferSession"/>: inputs from anywhere, step reports, the current image, its own
/// random generator (concurrent sessions), and native memory (nothing left after a failed build or Dispose).</summary>
public class SessionTests
{
    private static byte[] RunToPng(StyleTransferSettings settings)
    {
        using var result = StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(Photo, [Starry], settings));
        return ImageSaver.Encode(result.Image);
    }

    [Fact]
    public void TwoSessionsAtOnceGiveTheImagesTheyGiveAlone()
    {
        // Noise starts, so each result depends on its session's generator; different seeds and optimisers.
        var a = Small(6) with { Init = InitialImage.Noise, Seed = 11 };
        var b = Small(6) with { Init = InitialImage.Parse("noise-blend:0.5"), Seed = 12, Optimizer = OptimizerKind.Adam, LearningRate = 0.02 };
        var aloneA = RunToPng(a);
        torch.manual_seed(999); // the process-wide generator plays no part
        var aloneB = RunToPng(b);
        Assert.NotEqual(aloneA, aloneB);

        byte[]? togetherA = null, togetherB = null;
        using var start = new Barrier(2);
        var threadA = new Thread(() => { start.SignalAndWait(); togetherA = RunToPng(a); });
        var threadB = new Thread(() => { start.SignalAndWait(); torch.rand(100).Dispose(); togetherB = RunToPng(b); });
        threadA.Start();
        threadB.Start();
        threadA.Join();
        threadB.Join();

        Assert.Equal(aloneA, togetherA);
        Assert.Equal(aloneB, togetherB);
    }

    [Fact]
    public void ImagesFromBytesStreamsAndFilesGiveTheSameResult()
    {
        var settings = Small(3);
        var fromFiles = RunToPng(settings);
        using var stream = File.OpenRead(Starry);
        var inputs = new StyleTransferInputs(ImageSource.FromBytes(File.ReadAllBytes(Photo), "photo"), [ImageSource.FromStream(stream, "painting")]);
        using var result = StyleTransferSession.Stylize(settings, inputs);
        Assert.Equal(fromFiles, ImageSaver.Encode(result.Image));
    }

    [Fact]
    public void StepsReportTheirScaleAndTheCurrentImageIsAtThatScale()
    {
        var settings = Small() with { Size = 128, Scales = 2, ScaleIterations = [3, 2] };
        using var session = new StyleTransferSession(settings, StyleTransferInputs.FromFiles(Photo, [Starry], settings));
        Assert.Equal([(64, 3), (128, 2)], session.Plan);
        var reports = new List<IterationReport>();
        while (session.Step() is { } report)
        {
            reports.Add(report);
            using var image = session.CurrentImage();
            Assert.Equal(report.Side, (int)Math.Max(image.shape[2], image.shape[3]));
        }
        Assert.Equal([1, 2, 3, 4, 5], reports.Select(r => r.Step));
        Assert.Equal([0, 0, 0, 1, 1], reports.Select(r => r.Scale));
        Assert.Equal([1, 2, 3, 1, 2], reports.Select(r => r.ScaleStep));
        Assert.All(reports, r => Assert.Equal((5, 2), (r.TotalSteps, r.Scales)));
        Assert.Equal(1.0, reports[^1].Fraction, 6);
        Assert.True(session.IsFinished);
        Assert.Null(session.Step());
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, session.EncodeCurrentImage()[..4]);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, session.EncodeCurrentImage(ImageFormat.Jpeg)[..2]);
    }

    [Fact]
    public async Task RunAsyncStopsWhenCancelledAndHandsBackTheImageAtTheFinalSize()
    {
        var settings = Small() with { Size = 128, Scales = 2, ScaleIterations = [50, 50] };
        using var session = new StyleTransferSession(settings, StyleTransferInputs.FromFiles(Photo, [Starry], settings));
        using var stop = new CancellationTokenSource();
        var seen = 0;
        using var result = await session.RunAsync(new SyncProgress(r => { if (++seen == 2) stop.Cancel(); }), stop.Token);
        Assert.True(result.Cancelled);
        Assert.Equal(2, result.StepsCompleted);
        Assert.Equal(128, (int)Math.Max(result.Image.shape[2], result.Image.shape[3]));
    }

    /// <summary>Live tensors of this thread across <paramref name="action"/> (TorchSharp counts them per thread).</summary>
    private static long LiveTensorsAfter(Action action)
    {
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        action();
        return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
    }

    private static StyleTransferInputs InMemoryInputs(bool blackMask = false, IReadOnlyList<double>? blend = null)
    {
        using var mask = torch.zeros(1, 3, 30, 40);
        if (!blackMask)
            using (var left = mask.narrow(3, 0, 20))
                left.fill_(1);
        return new StyleTransferInputs(ImageSource.FromFile(Photo), [ImageSource.FromFile(Starry), ImageSource.FromFile(Scream)], blend,
            [(ImageSource.FromTensor(mask, "left half"), ImageSource.FromFile(Scream))]);
    }

    [Fact]
    public void AWholeSessionLeavesNoTensorAlive()
    {
        // Two scales, luminance colour preservation, a mask, two blended paintings, EMA, previews, a checkpoint.
        var settings = Small() with
        {
            Size = 128, Scales = 2, ScaleIterations = [4, 3], PreserveColor = ColorPreservation.Luminance, EmaDecay = 0.5,
            Init = InitialImage.Parse("noise-blend:0.3"),
        };
        using var folder = new Support.TempFolder();
        var leaked = LiveTensorsAfter(() =>
        {
            using var session = new StyleTransferSession(settings, InMemoryInputs(blend: [0.7, 0.3]));
            while (session.Step() is not null)
            {
                session.EncodeCurrentImage();
                session.CurrentImage().Dispose();
            }
            session.SaveCheckpoint(folder.File("c.nsckpt"));
            session.Result().Dispose();
        });
        Assert.Equal(0, leaked);
        leaked = LiveTensorsAfter(() =>
        {
            using var resumed = StyleTransferSession.Resume(folder.File("c.nsckpt"), InMemoryInputs(blend: [0.7, 0.3]));
            resumed.Result().Dispose();
        });
        Assert.Equal(0, leaked);
    }

    public static TheoryData<string> BadBuilds => ["black mask", "missing layer", "blend count", "bad file"];

    [Theory]
    [MemberData(nameof(BadBuilds))]
    public void AFailedBuildLeavesNoTensorAlive(string problem)
    {
        var settings = Small() with { Size = 128, Scales = 2, ScaleIterations = [4, 3], PreserveColor = ColorPreservation.Histogram };
        Exception? error = null;
        var leaked = LiveTensorsAfter(() => error = Record.Exception(() =>
        {
            using var session = problem switch
            {
                "black mask" => new StyleTransferSession(settings, InMemoryInputs(blackMask: true)),
                "missing layer" => new StyleTransferSession(settings with { StyleLayers = LayerWeights.Parse("conv1,layer9") }, InMemoryInputs()),
                "blend count" => new StyleTransferSession(settings, InMemoryInputs(blend: [1, 2, 3])),
                _ => new StyleTransferSession(settings, new StyleTransferInputs(ImageSource.FromFile(Photo), [ImageSource.FromBytes("not an image"u8, "junk")])),
            };
        }));
        Assert.IsAssignableFrom<NeuralStyleException>(error);
        Assert.Equal(0, leaked);
        if (problem == "blend count") Assert.Equal("StyleBlend has 3 weights for 2 style images", error!.Message);
    }

    private sealed class SyncProgress(Action<IterationReport> report) : IProgress<IterationReport>
    {
        public void Report(IterationReport value) => report(value);
    }
}

/// <summary>The README's C# example, as written there but at 64 px and 3 steps, with the files in a folder of
/// its own (named by full path: the working directory is process-wide and tests run in parallel).</summary>
public class ReadmeExampleTests
{
    [Fact]
    public async Task TheReadmeExampleRuns()
    {
        using var folder = new Support.TempFolder();
        File.Copy(Photo, folder.File("photo.jpg"));
        File.Copy(Starry, folder.File("painting.jpg"));

        var settings = SettingsResolver.Resolve(new SettingOverrides { Model = ModelSpec.ResNet18, Size = 64, Iterations = 3 });
        using var session = new StyleTransferSession(settings, new StyleTransferInputs(
            ImageSource.FromFile(folder.File("photo.jpg")), [ImageSource.FromBytes(File.ReadAllBytes(folder.File("painting.jpg")), "painting")]));
        var progress = new Progress<IterationReport>(r =>
            Console.WriteLine($"{r.Step}/{r.TotalSteps} scale {r.Scale + 1}/{r.Scales} ({r.Side} px) loss {r.Terms.Total:F3}"));
        var run = session.RunAsync(progress, CancellationToken.None);
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(1000));
            File.WriteAllBytes(folder.File("preview.jpg"), session.EncodeCurrentImage(ImageFormat.Jpeg)); // once a second
        }
        using var result = await run;
        ImageSaver.Save(result.Image, folder.File("result.png"));

        Assert.True(File.Exists(folder.File("result.png")));
        Assert.True(File.Exists(folder.File("preview.jpg")));
    }
}
