using System.CommandLine;
using NeuralStyle.Cli;
using NeuralStyle.Cli.Commands;
using NeuralStyle.Runtime;

// Before anything loads libtorch (and its libgomp): waiting threads sleep instead of spinning.
OpenMpWaitPolicy.PreferPassive();

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
var parsed = root.Parse(args);
// System.CommandLine's own reaction to a parse error (an unknown option, '--size abc', a missing
// -o) is the error on stderr plus the whole help text, exit code 1. That buries the one line
// that matters and looks like any other failure, so print only the first error, in the same
// form as every other error, and use 2, the usual exit code for a bad command line.
// --help and --version are not errors, so they still reach their own actions below.
if (parsed.Errors.Count > 0)
    return CliErrors.BadCommandLine(parsed.Errors[0].Message, parsed.CommandResult);
return CliErrors.Run(() => parsed.InvokeAsync(invocation).GetAwaiter().GetResult());
