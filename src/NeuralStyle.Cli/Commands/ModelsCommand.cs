using System.CommandLine;

namespace NeuralStyle.Cli.Commands;

public static class ModelsCommand
{
    public static Command Create() => new("models", "Download and list feature-network weights.");
}
