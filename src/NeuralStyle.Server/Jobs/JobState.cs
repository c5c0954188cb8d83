namespace NeuralStyle.Server.Jobs;

/// <summary>Where a job is. Terminal: <see cref="Done"/>, <see cref="Failed"/>, <see cref="Cancelled"/>.</summary>
public enum JobState { Queued, Running, Done, Failed, Cancelled }

public static class JobStates
{
    public static bool IsTerminal(this JobState state) => state is JobState.Done or JobState.Failed or JobState.Cancelled;

    public static string Name(this JobState state) => state.ToString().ToLowerInvariant();

    public static JobState Parse(string text) => Enum.Parse<JobState>(text, ignoreCase: true);
}
