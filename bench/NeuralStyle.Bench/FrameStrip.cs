using NeuralStyle.Imaging;
using NeuralStyle.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Bench;

/// <summary>A few frames of a clip side by side, one row each for the photo, the frame-by-frame result and the
/// temporally consistent one, with a 2 px white gap: the README's picture of flicker.</summary>
internal static class FrameStrip
{
    public static void Save(string path, string video, int size, IReadOnlyList<Tensor> independent, IReadOnlyList<Tensor> temporal, int count)
    {
        using var scope = torch.NewDisposeScope();
        var info = VideoProbe.Read(video);
        var photos = FrameReader.Read(video, FrameGeometry.For(info, size)).Take(independent.Count).Select(f => f.ToTensor()).ToList();
        count = Math.Clamp(count, 1, independent.Count);
        // Consecutive frames show flicker best: the middle of the clip.
        var start = Math.Max(0, independent.Count / 2 - count / 2);
        var picks = Enumerable.Range(start, count).ToList();
        var rows = new[] { photos, independent.ToList(), temporal.ToList() }
            .Select(row => Join(picks.Select(i => row[i]).ToList(), dim: 3)).ToList();
        ImageSaver.Save(Join(rows, dim: 2), path);
    }

    private static Tensor Join(IReadOnlyList<Tensor> images, int dim)
    {
        var parts = new List<Tensor>();
        foreach (var image in images)
        {
            if (parts.Count > 0)
            {
                var gapShape = image.shape.ToArray();
                gapShape[dim] = 2;
                parts.Add(torch.ones(gapShape));
            }
            parts.Add(image);
        }
        return torch.cat(parts, dim);
    }
}
