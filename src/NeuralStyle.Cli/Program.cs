using System.CommandLine;
using NeuralStyle.Cli;
using NeuralStyle.Cli.Commands;

var root = new RootCommand("NeuralStyle: render a photo in the style of a painting (Gatys et al. neural style transfer).");
root.Subcommands.Add(StylizeCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());

// System.CommandLine's default exception handler would catch whatever an action throws, print the
// whole exception with its stack trace and return 1. Turn it off so exceptions reach CliErrors,
// which prints user errors as one line. InvokeAsync (not Invoke) so that Ctrl+C cancels the
// action's CancellationToken instead of killing the process mid-write.
var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
return CliErrors.Run(() => root.Parse(args).InvokeAsync(invocation).GetAwaiter().GetResult());
