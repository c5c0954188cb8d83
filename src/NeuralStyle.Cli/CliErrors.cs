using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace NeuralStyle.Cli;

/// <summary>
/// The one place that turns failures into what a terminal user sees: a single line on stderr and a
/// non-zero exit code. Stack traces are for bugs only, never for mistakes the user can fix.
/// </summary>
public static class CliErrors
{
    public const int UserError = 1;
    public const int BadUsage = 2;
    public const int Interrupted = 130;

    /// <summary>A command line that did not parse: one line naming the problem and where the help is.</summary>
    public static int BadCommandLine(string message, CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? s = command; s is CommandResult c; s = c.Parent)
            if (c.Command is not RootCommand) names.Insert(0, c.Command.Name);
        var help = string.Join(" ", ["neural-style", .. names, "--help"]);
        Console.Error.WriteLine($"neural-style: error: {InPlainWords(message)} (see '{help}')");
        return BadUsage;
    }

    // System.CommandLine names the .NET type it wanted ("as expected type 'System.Nullable`1[System.Int32]'");
    // a user wants to know what to type instead.
    private static readonly Regex ExpectedType = new(@"as expected type '(?:System\.Nullable`1\[)?System\.(\w+)\]?'");

    private static string InPlainWords(string message) => ExpectedType.Replace(message, match => match.Groups[1].Value switch
    {
        "Int32" or "Int64" => "as a whole number",
        "Double" or "Single" => "as a number",
        "Boolean" => "as true or false",
        _ => match.Value,
    });

    /// <summary>Exit code of a failure that is our bug, not the user's mistake (EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            Console.Error.WriteLine("neural-style: error: " + global::NeuralStyle.UserMessage.OneLine(message));
            return UserError;
        }
        catch (Exception e)
        {
            // A bug: still one line (a user cannot act on a stack trace), but told apart by its exit code;
            // NEURAL_STYLE_DEBUG=1 prints the whole exception for a report.
            var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerException! : e;
            Console.Error.WriteLine($"neural-style: error: internal error ({(global::NeuralStyle.UserMessage.OneLine(inner.Message))}); please report it, with NEURAL_STYLE_DEBUG=1 for details");
            if (Environment.GetEnvironmentVariable("NEURAL_STYLE_DEBUG") == "1") Console.Error.WriteLine(inner);
            return InternalError;
        }
    }


    /// <summary>The one-line message for errors caused by input or environment, else null (a bug).</summary>
    public static string? UserMessage(Exception e) => e switch
    {
        SettingException setting => SettingFlags.Rewrite(setting),
        NeuralStyleException => e.Message,
        AggregateException { InnerExceptions.Count: 1 } a => UserMessage(a.InnerException!),
        UnauthorizedAccessException or IOException => e.Message,
        OutOfMemoryException => "not enough memory; use a smaller --size or smaller images",
        System.Runtime.InteropServices.ExternalException when e.Message.Contains("can't allocate memory") =>
            "not enough memory (libtorch could not allocate); use a smaller --size or smaller images",
        _ => null,
    };
}
