using OpenCvSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Video;

/// <summary>
/// Dense optical flow between two frames from OpenCV: Gunnar Farnebäck's polynomial-expansion method
/// (<c>calcOpticalFlowFarneback</c>), on the frames' luma. OpenCvSharp4 4.13 does not wrap the faster DIS flow
/// (it lives in OpenCV's video module but has no binding there), and at the sizes we stylise (≤ 512 px)
/// Farnebäck takes milliseconds a frame, next to seconds of stylisation.
/// </summary>
public static class OpticalFlow
{
    /// <summary>Where each pixel of <paramref name="from"/> moves to in <paramref name="to"/>: a new tensor [1,2,H,W]
    /// (channel 0 = x, 1 = y, in pixels) the caller owns.</summary>
    public static Tensor Between(RgbFrame from, RgbFrame to)
    {
        if (from.Width != to.Width || from.Height != to.Height) throw new ArgumentException("frames of different sizes");
        using var first = GrayMat(from);
        using var second = GrayMat(to);
        using var flow = new Mat();
        // A pyramid of 0.5 steps down to about 16 px so motions of a tenth of the frame are found, 15 px windows
        // (OpenCV's sample values) and a Gaussian window, which is smoother at motion boundaries than a box.
        var levels = Math.Max(1, (int)Math.Floor(Math.Log2(Math.Min(from.Width, from.Height) / 16.0)));
        Cv2.CalcOpticalFlowFarneback(first, second, flow, 0.5, levels, 15, 3, 5, 1.2, OpticalFlowFlags.FarnebackGaussian);
        flow.GetArray(out Vec2f[] vectors);
        var values = new float[2 * vectors.Length];
        for (var i = 0; i < vectors.Length; i++)
        {
            values[i] = vectors[i].Item0;
            values[vectors.Length + i] = vectors[i].Item1;
        }
        return torch.tensor(values, [1, 2, from.Height, from.Width]);
    }

    private static Mat GrayMat(RgbFrame frame)
    {
        var mat = new Mat(frame.Height, frame.Width, MatType.CV_8UC1);
        mat.SetArray(frame.Gray());
        return mat;
    }
}
