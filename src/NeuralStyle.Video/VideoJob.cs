using NeuralStyle.Transfer;

namespace NeuralStyle.Video;

/// <summary>One <c>neural-style video</c> run.</summary>
/// <param name="Settings">Resolved settings; <see cref="StyleTransferSettings.Size"/> is the longest side of the frames.</param>
/// <param name="FrameIterations">Steps of each frame after the first; null = half the first frame's.</param>
/// <param name="CheckpointFolder">Where finished frames are kept for a resume; null = a temporary folder, removed.</param>
/// <param name="Temporal">Ruder et al.'s temporal consistency; false = each frame on its own (flickers).</param>
public sealed record VideoJob(string Input, IReadOnlyList<string> Styles, IReadOnlyList<double>? StyleBlend, string Output,
    StyleTransferSettings Settings, int? FrameIterations = null, string? CheckpointFolder = null, bool Temporal = true);

/// <summary>A frame finished (or found finished in the checkpoint folder).</summary>
/// <param name="Frame">0-based.</param>
/// <param name="Reused">Taken from the checkpoint folder, not stylised now.</param>
/// <param name="ReliableShare">Share of the frame's pixels the flow vouched for (null for the first frame or a reused one).</param>
public sealed record VideoFrameReport(int Frame, int Frames, bool Reused, int Steps, double Seconds, double? ReliableShare);
