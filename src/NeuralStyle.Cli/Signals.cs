using System.Runtime.InteropServices;
using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>
/// SIGINT, SIGTERM, SIGHUP and SIGQUIT, handled here rather than by System.CommandLine (whose
/// ProcessTerminationHandler crashes with "An attempt was made to transition a task to a final state
/// when it had already completed" on a second SIGTERM, and waits its whole timeout for an action
/// that cannot see the token, e.g. one blocked in open(2)).
/// <list type="bullet">
/// <item>While a command has nothing worth saving (parsing, loading images and network, the first
/// step), a signal ends the process at once: exit code 128 + signal (SIGINT 130, SIGTERM 143),
/// our temporaries removed, nothing written.</item>
/// <item>Once <see cref="Graceful"/> is set (a stylize run has finished a step, a download is under
/// way), the first signal cancels <see cref="Token"/>: the run stops after its current step and saves
/// the image so far. If that takes longer than <see cref="GraceTime"/>, or a second signal arrives,
/// the process ends at once as above.</item>
/// </list>
/// </summary>
internal static class Signals
{
    public static readonly TimeSpan GraceTime = TimeSpan.FromSeconds(20);

    private static readonly CancellationTokenSource Source = new();
    private static readonly List<PosixSignalRegistration> Registrations = [];
    private static int _signal;

    /// <summary>Cancelled by the first signal once <see cref="Graceful"/> is set.</summary>
    public static CancellationToken Token => Source.Token;

    /// <summary>True while the current command can stop cleanly and keep its work.</summary>
    public static volatile bool Graceful;

    /// <summary>What the first signal prints in graceful mode (null: nothing, the command reports the interruption itself).</summary>
    public static volatile string? StopNotice;

    /// <summary>128 + the signal received (130 for SIGINT, 143 for SIGTERM), or 130 if none.</summary>
    public static int ExitCode => 128 + (_signal == 0 ? 2 : _signal);

    public static void Install()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        foreach (var (signal, number) in new[] { (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3) })
            Registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // we decide when to exit, and with which code
                OnSignal(number);
            }));
    }

    private static void OnSignal(int number)
    {
        var first = Interlocked.CompareExchange(ref _signal, number, 0) == 0;
        if (!first || !Graceful)
        {
            Exit(first ? "interrupted; nothing was written" : "interrupted again; stopping now without saving");
            return;
        }
        if (StopNotice is { } notice) Console.Error.WriteLine($"neural-style: {notice}");
        try
        {
            Source.Cancel();
        }
        catch (AggregateException)
        {
            // A callback failed; the watchdog below still ends the process.
        }
        _ = Task.Delay(GraceTime).ContinueWith(_ => Exit($"did not stop within {GraceTime.TotalSeconds:0} s; stopping now without saving"),
            TaskScheduler.Default);
    }

    private static readonly Lock ExitLock = new();

    private static void Exit(string message)
    {
        lock (ExitLock)
        {
            AtomicFile.RemoveLiveTemporaries();
            Runtime.ExitCleanup.RunNow(); // ffmpeg and a video's frame folder, which _exit would leave behind
            try
            {
                Console.Error.WriteLine($"neural-style: {message}");
                Console.Error.Flush();
            }
            catch (IOException)
            {
            }
            // _exit: no managed shutdown that could wait on the worker stuck in native code.
            NativeExit(ExitCode);
        }
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void NativeExit(int status);
}
