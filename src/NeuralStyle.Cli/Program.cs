using System.CommandLine;
using NeuralStyle.Cli;
using NeuralStyle.Cli.Commands;

var root = new RootCommand("NeuralStyle: render a photo in the style of a painting (Gatys et al. neural style transfer).");
root.Subcommands.Add(StylizeCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(BenchCommand.Create());

// Two System.CommandLine 2.0.0 defaults are wrong for us, so both are set explicitly:
// - EnableDefaultExceptionHandler would catch whatever an action throws, print the whole exception
//   with its stack trace and return 1. Off, so exceptions reach CliErrors, which prints user errors
//   as one line (async actions included: InvokeAsync rethrows the action's own exception).
// - ProcessTerminationTimeout is null on a new InvocationConfiguration (despite its doc comment),
//   which leaves Ctrl+C/SIGTERM unhandled: the runtime kills the process and actions never see
//   their CancellationToken fire. With a timeout, the token is cancelled and the action gets time
//   to stop cleanly before exit code 130/143 is forced: a download keeps its resumable .part, and
//   stylize finishes its current step (seconds at large sizes) and saves the image so far.
var invocation = new InvocationConfiguration
{
    EnableDefaultExceptionHandler = false,
    ProcessTerminationTimeout = TimeSpan.FromSeconds(60),
};
return CliErrors.Run(() => root.Parse(args).InvokeAsync(invocation).GetAwaiter().GetResult());
