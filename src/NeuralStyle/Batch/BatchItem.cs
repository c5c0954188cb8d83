namespace NeuralStyle.Batch;

/// <summary>One picture of a batch: a photo, a painting and where the result goes.</summary>
public sealed record BatchItem(string Photo, string Painting, string Output)
{
    /// <summary>"photo.jpg × painting.jpg", terminal-safe (file names may hold escape sequences).</summary>
    public string Describe() => UserMessage.OneLine($"{Path.GetFileName(Photo)} × {Path.GetFileName(Painting)}");
}

/// <summary>What became of an item.</summary>
public enum BatchItemState { Done, Skipped, Failed }

public sealed record BatchOutcome(BatchItem Item, BatchItemState State, string? Error = null, double Seconds = 0);
