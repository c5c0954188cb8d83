using System.CommandLine;

namespace NeuralStyle.Cli.Commands;

public static class StylizeCommand
{
    public static Command Create() => new("stylize", "Render CONTENT in the style of STYLE.");
}
