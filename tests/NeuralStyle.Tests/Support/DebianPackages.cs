using System.Diagnostics;

namespace NeuralStyle.Tests.Support;

/// <summary>
/// Debian packages a test needs (chromium, postgresql, ffmpeg): present, or installed with apt when the tests run
/// as root (as in CI, where <c>.ci/run</c> installs them first anyway). One install at a time in this process.
/// </summary>
public static class DebianPackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, string?> Outcomes = [];

    /// <summary>Null when <paramref name="package"/> is usable (<paramref name="probe"/> exists), else why not (a skip reason).</summary>
    /// <param name="probe">A file the package provides, e.g. /usr/bin/chromium.</param>
    public static string? Ensure(string package, Func<bool> probe)
    {
        if (probe()) return null;
        Gate.Wait();
        try
        {
            if (Outcomes.TryGetValue(package, out var known)) return known;
            string? outcome;
            if (Environment.UserName != "root" && !IsRoot())
                outcome = $"{package} is not installed and the tests are not root to install it (apt-get install {package})";
            else
            {
                var (code, output) = Run("apt-get", "install", "-y", "--no-install-recommends", package);
                if (code != 0 || !probe())
                {
                    Run("apt-get", "update");
                    (code, output) = Run("apt-get", "install", "-y", "--no-install-recommends", package);
                }
                outcome = code == 0 && probe() ? null : $"apt-get install {package} failed (exit {code}): {output.Trim().Split('\n').LastOrDefault()}";
            }
            Outcomes[package] = outcome;
            return outcome;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static bool IsRoot() => File.Exists("/proc/self/status") &&
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:"))?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0";

    private static (int Code, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10))) process.Kill(entireProcessTree: true);
            return (process.HasExited ? process.ExitCode : -1, output.Result + error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
