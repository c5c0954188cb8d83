using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Video;

/// <summary>
/// Stylises the frames of one video, one after another, with one loss network for all of them.
/// <list type="bullet">
/// <item>The first frame: a whole run of <see cref="FirstFrame"/> settings from the photo (the settings' own start).</item>
/// <item>With temporal consistency (Ruder et al. 2016), every later frame starts from the previous stylised frame
/// warped into it by the flow, with the pixels the flow cannot vouch for (consistency mask 0) taken from the
/// frame itself, and a temporal loss keeps the reliable pixels close to that warped frame; its settings are
/// <see cref="LaterFrames"/> (one scale, fewer steps: the start is already nearly done).</item>
/// <item>Without it (frame by frame, the baseline that flickers), every later frame starts from its photo with
/// <see cref="LaterFrames"/> settings and no temporal term.</item>
/// </list>
/// </summary>
public sealed class FrameStylizer : IDisposable
{
    private readonly IFeatureNetwork _network;
    private readonly IReadOnlyList<(byte[] Bytes, string Name)> _styles;
    private readonly IReadOnlyList<double>? _styleBlend;

    /// <param name="styles">The paintings' files (read once, here).</param>
    /// <param name="temporal">Ruder et al.'s warped start and temporal loss for later frames; false = frame by frame.</param>
    public FrameStylizer(StyleTransferSettings firstFrame, StyleTransferSettings laterFrames, IReadOnlyList<string> styles,
        IReadOnlyList<double>? styleBlend, bool temporal)
    {
        FirstFrame = firstFrame;
        LaterFrames = laterFrames;
        Temporal = temporal;
        _styles = styles.Select(path =>
        {
            InputFile.Require(path, $"style image '{path}'");
            return (File.ReadAllBytes(path), path);
        }).ToList();
        _styleBlend = styleBlend;
        _network = FeatureNetworks.Create(firstFrame.Model, firstFrame.WeightsPath, firstFrame.UsedLayers, firstFrame.Pooling, firstFrame.Precision);
    }

    public StyleTransferSettings FirstFrame { get; }
    public StyleTransferSettings LaterFrames { get; }
    public bool Temporal { get; }

    /// <summary>The video settings for a working size: the first frame as the user asked (at that size), later frames
    /// at the final size only with <paramref name="frameIterations"/> steps.</summary>
    public static (StyleTransferSettings First, StyleTransferSettings Later) SettingsFor(StyleTransferSettings settings, FrameGeometry size, int frameIterations)
    {
        var first = settings with { Size = size.LongestSide };
        var later = first with { Scales = 1, ScaleIterations = null, Iterations = frameIterations };
        first.Validate();
        later.Validate();
        return (first, later);
    }

    /// <summary>Steps of the first frame's whole run (all scales).</summary>
    public static int FirstFrameSteps(StyleTransferSettings first) => ScalePyramid.Plan(first).Sum(p => p.Iterations);

    /// <summary>Stylises one frame.</summary>
    /// <param name="previous">The previous frame's stylised image ([1,3,H,W]; null for the first frame).</param>
    /// <param name="motion">From the previous frame to this one (null for the first frame).</param>
    /// <returns>The stylised frame (the caller owns it), or null when cancelled before it was finished.</returns>
    public Tensor? Stylize(RgbFrame frame, Tensor? previous, FrameMotion? motion, IProgress<IterationReport>? progress = null,
        CancellationToken cancellation = default)
    {
        using var scope = torch.NewDisposeScope();
        var content = frame.ToTensor();
        var isFirst = previous is null;
        if (!isFirst && motion is null) throw new ArgumentNullException(nameof(motion), "a later frame needs the motion from the previous one");
        ImageSource? init = null;
        TemporalGuide? guide = null;
        if (!isFirst && Temporal)
        {
            var warped = motion!.WarpPrevious(previous!);
            // Where the flow is unreliable (disoccluded, at motion boundaries, entered the frame), start from the photo.
            var start = warped * motion.Mask + content * (1 - motion.Mask);
            init = ImageSource.FromTensor(start, "warped previous frame");
            guide = new TemporalGuide(warped, motion.Mask);
        }
        var inputs = new StyleTransferInputs(ImageSource.FromTensor(content, "frame"),
            _styles.Select(s => ImageSource.FromBytes(s.Bytes, s.Name)).ToList(), _styleBlend, init: init, temporal: guide);
        using var session = new StyleTransferSession(isFirst ? FirstFrame : LaterFrames, inputs, _network);
        using var result = session.Run(progress, cancellation);
        return result.Cancelled ? null : result.Image.clone().DetachFromDisposeScope();
    }

    public void Dispose() => _network.Dispose();
}
