using System.CommandLine;
using NeuralStyle.Cli;
using NeuralStyle.Cli.Commands;

var root = new RootCommand("NeuralStyle: render a photo in the style of a painting (Gatys et al. neural style transfer).");
root.Subcommands.Add(StylizeCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(BenchCommand.Create());

// System.CommandLine's default exception handler would catch whatever an action throws, print the
// whole exception with its stack trace and return 1. Turn it off so exceptions reach CliErrors,
// which prints user errors as one line. Its Ctrl-C handling is off too: it would end the process
// two seconds after Ctrl-C, which can be mid-step; commands that must stop cleanly (stylize saves
// the image so far, downloads keep their .part file) use CtrlC instead.
var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
return CliErrors.Run(() => root.Parse(args).InvokeAsync(invocation).GetAwaiter().GetResult());
