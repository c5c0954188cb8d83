namespace NeuralStyle.Tests.Hostile;

/// <summary>The corpus covers every command (issue 20), and prints its counts per command: the README's figures
/// come from here, not from a hand count.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CorpusCoverageTests
{
    private static readonly string[] Commands = ["stylize", "batch", "video", "resume", "models", "serve", "worker"];

    [Fact]
    public void EveryCommandHasHostileCases()
    {
        // A case names its command first; stylize is also the CLI's command when the first word is a file or an option.
        var byCommand = HostileCorpusTests.All()
            .GroupBy(c => c.Args.Length > 0 && Commands.Contains(c.Args[0]) ? c.Args[0] : "stylize")
            .ToDictionary(g => g.Key, g => g.Count());
        Console.WriteLine($"hostile corpus: {byCommand.Values.Sum()} cases: " +
                          string.Join(", ", Commands.Select(c => $"{c} {byCommand.GetValueOrDefault(c)}")));
        Assert.All(Commands, c => Assert.True(byCommand.GetValueOrDefault(c) > 0, $"no hostile case of '{c}'"));
    }
}
