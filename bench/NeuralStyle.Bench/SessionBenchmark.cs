using System.Diagnostics;
using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench;

/// <summary>What a session's checkpoint and preview cost at one size.</summary>
/// <param name="Pairs">L-BFGS curvature pairs held when the checkpoint was written (Adam: 0).</param>
/// <param name="PreviewMilliseconds">Median of <see cref="StyleTransferSession.CurrentImage"/> alone and encoded as PNG and JPEG.</param>
public sealed record SessionCost(string Model, int Size, OptimizerKind Optimizer, int Steps, int Pairs, long CheckpointBytes,
    double CheckpointSeconds, double ResumeSeconds, double StepSeconds, double TensorMilliseconds, double PngMilliseconds, double JpegMilliseconds);

/// <summary>Times checkpoints (write, size, resume) and previews of a session at one scale of the given size.
/// A benchmark: it reports numbers and asserts nothing.</summary>
public static class SessionBenchmark
{
    public static SessionCost Measure(string model, string contentPath, string stylePath, int size, OptimizerKind optimizer, int steps,
        string folder, int previews = 10)
    {
        var spec = ModelSpec.Parse(model).Resolve(null, null, out _);
        var settings = Presets.ForModel(Presets.Gatys, "gatys", spec) with
        {
            Size = size, Scales = 1, ScaleIterations = null, Iterations = steps + 1, Optimizer = optimizer,
            LearningRate = Presets.DefaultLearningRate(optimizer, Presets.Gatys.Space),
        };
        var path = Path.Combine(folder, $"bench-{model}-{size}.nsckpt");
        using var session = new StyleTransferSession(settings, StyleTransferInputs.FromFiles(contentPath, [stylePath], settings));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++) session.Step();
        var stepSeconds = clock.Elapsed.TotalSeconds / steps;

        clock.Restart();
        session.SaveCheckpoint(path);
        var write = clock.Elapsed.TotalSeconds;
        var bytes = new FileInfo(path).Length;
        clock.Restart();
        using (StyleTransferSession.Resume(path)) { }
        var resume = clock.Elapsed.TotalSeconds;
        File.Delete(path);

        double Median(Action action)
        {
            var times = new List<double>();
            for (var i = 0; i < previews; i++)
            {
                var watch = Stopwatch.StartNew();
                action();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            return times.Order().ElementAt(times.Count / 2);
        }
        var tensor = Median(() => session.CurrentImage().Dispose());
        var png = Median(() => session.EncodeCurrentImage());
        var jpeg = Median(() => session.EncodeCurrentImage(ImageFormat.Jpeg));
        var pairs = optimizer == OptimizerKind.Lbfgs ? Math.Min(steps - 1, settings.LbfgsHistory) : 0;
        return new SessionCost(model, size, optimizer, steps, pairs, bytes, write, resume, stepSeconds, tensor, png, jpeg);
    }
}
