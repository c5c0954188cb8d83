namespace NeuralStyle.Cli;

/// <summary>
/// The one place that turns failures into what a terminal user sees: a single line on stderr and a
/// non-zero exit code. Stack traces are for bugs only, never for mistakes the user can fix.
/// </summary>
public static class CliErrors
{
    public const int UserError = 1;
    public const int Interrupted = 130;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            Console.Error.WriteLine("neural-style: error: " + message);
            return UserError;
        }
    }

    /// <summary>The one-line message for errors caused by input or environment, else null (a bug).</summary>
    public static string? UserMessage(Exception e) => e switch
    {
        NeuralStyleException => e.Message,
        AggregateException { InnerExceptions.Count: 1 } a => UserMessage(a.InnerException!),
        UnauthorizedAccessException or IOException => e.Message,
        _ => null,
    };
}
