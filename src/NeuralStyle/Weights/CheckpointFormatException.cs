namespace NeuralStyle.Weights;

/// <summary>
/// Raised inside the readers when a checkpoint is malformed. It carries only the problem phrase
/// ("is truncated: …"); <see cref="CheckpointLoader"/> adds the file name and turns it into the
/// one-line <see cref="NeuralStyleException"/> users see. Keeping it internal means no reader
/// can leak a half-formed message to the CLI.
/// </summary>
internal sealed class CheckpointFormatException(string problem, Exception? inner = null)
    : Exception(problem, inner);
