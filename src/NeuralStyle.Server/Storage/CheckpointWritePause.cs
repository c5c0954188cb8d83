namespace NeuralStyle.Server.Storage;

/// <summary>
/// A test hook, and the only one in the store: with <c>NEURALSTYLE_TEST_PAUSE_IN_CHECKPOINT_WRITE=N</c> in a worker's
/// environment, the checkpoint write of step N stops halfway (the job's row already says step N, the checkpoint itself
/// not written, nothing committed) and waits there for ever, after one line on stderr. It exists so a chaos test can
/// SIGKILL a worker at exactly that point and prove that a half-written checkpoint is never resumed from: there is no
/// other way to land a kill inside a write that lasts milliseconds. Unset (every real deployment), it does nothing.
/// </summary>
internal static class CheckpointWritePause
{
    public const string Variable = "NEURALSTYLE_TEST_PAUSE_IN_CHECKPOINT_WRITE";

    private static readonly int? Step = int.TryParse(Environment.GetEnvironmentVariable(Variable), out var step) ? step : null;

    public static void At(int step)
    {
        if (Step != step) return;
        Console.Error.WriteLine($"neural-style: test hook {Variable}: paused inside the checkpoint write of step {step}");
        Thread.Sleep(Timeout.Infinite);
    }
}
