using System.CommandLine;
using NeuralStyle.Cli.Commands;

namespace NeuralStyle.Cli;

/// <summary>The command line as a function: arguments in, exit code out (stdout/stderr through <see cref="Console"/>).
/// Program.cs calls it after installing the signal handlers; tests call it in-process.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("NeuralStyle: render a photo in the style of a painting (Gatys et al. neural style transfer).");
        root.Subcommands.Add(StylizeCommand.Create());
        root.Subcommands.Add(ResumeCommand.Create());
        root.Subcommands.Add(VideoCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(BatchCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        root.Subcommands.Add(BenchMoved());
        return Run(root, args);
    }

    /// <summary>Parses and runs <paramref name="args"/> against <paramref name="root"/> with this CLI's error
    /// handling; also the entry of the separate developer program <c>neural-style-bench</c>.</summary>
    public static int Run(RootCommand root, string[] args)
    {

        // Two System.CommandLine 2.0.0 defaults are wrong for us, so both are set explicitly:
        // - EnableDefaultExceptionHandler would catch whatever an action throws, print the whole exception
        //   with its stack trace and return 1. Off, so exceptions reach CliErrors, which prints user errors
        //   as one line (async actions included: InvokeAsync rethrows the action's own exception).
        // - ProcessTerminationTimeout: null, so System.CommandLine installs no signal handler of its own.
        //   Its ProcessTerminationHandler crashed on a second SIGTERM and waited the whole timeout for an
        //   action stuck before its first step; Signals (installed by Program.cs) handles them instead and
        //   cancels Signals.Token, which the commands watch.
        var invocation = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
            Output = Console.Out,
            Error = Console.Error,
        };
        return CliErrors.Run(() =>
        {
            var parsed = root.Parse(args);
            // System.CommandLine's own reaction to a parse error (an unknown option, '--size abc', a missing
            // -o) is the error on stderr plus the whole help text, exit code 1. That buries the one line
            // that matters and looks like any other failure, so print only the first error, in the same
            // form as every other error, and use 2, the usual exit code for a bad command line.
            // --help and --version are not errors, so they still reach their own actions below.
            if (parsed.Errors.Count > 0)
                return CliErrors.BadCommandLine(parsed.Errors[0].Message, parsed.CommandResult);
            return parsed.InvokeAsync(invocation).GetAwaiter().GetResult();
        });
    }

    /// <summary>The benchmarks are not part of the installed tool (their code would ship to every user of
    /// the tool): they are the developer program <c>neural-style-bench</c> (bench/NeuralStyle.Bench).
    /// A hidden <c>bench</c> command says so in one line instead of "unrecognized command".</summary>
    private static Command BenchMoved()
    {
        var command = new Command("bench") { Hidden = true, TreatUnmatchedTokensAsErrors = false };
        command.SetAction(Moved);
        return command;

        static int Moved(ParseResult _) => throw new NeuralStyleException(
            "bench is not part of the neural-style tool; from a clone run it as neural-style-bench: " +
            "dotnet run -c Release --project bench/NeuralStyle.Bench -- [bench options]");
    }
}
