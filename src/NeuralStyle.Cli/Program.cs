using System.CommandLine;
using NeuralStyle.Cli;
using NeuralStyle.Cli.Commands;

var root = new RootCommand("NeuralStyle: render a photo in the style of a painting (Gatys et al. neural style transfer).");
root.Subcommands.Add(StylizeCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return CliErrors.Run(() => root.Parse(args).Invoke());
