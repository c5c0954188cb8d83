using System.Collections.Concurrent;
using System.Diagnostics;

namespace NeuralStyle.Runtime;

/// <summary>
/// What a forced exit (a second signal, a run that does not stop in time: <c>_exit</c>, so no <c>finally</c> runs) must
/// still undo besides our temporary files: child processes (ffmpeg) would run on without us, and temporary folders
/// (a video's frames) would stay in the system's temporary directory. Code that starts one registers it here for as
/// long as it lives; the normal paths clean up themselves.
/// </summary>
public static class ExitCleanup
{
    private static readonly ConcurrentDictionary<Process, byte> Children = new();
    private static readonly ConcurrentDictionary<string, byte> Folders = new();

    public static IDisposable Child(Process process)
    {
        Children[process] = 0;
        return new Registration(() => Children.TryRemove(process, out _));
    }

    public static IDisposable Folder(string path)
    {
        Folders[path] = 0;
        return new Registration(() => Folders.TryRemove(path, out _));
    }

    /// <summary>Kills every registered child (with its own children) and removes every registered folder; best effort.</summary>
    public static void RunNow()
    {
        foreach (var child in Children.Keys)
        {
            try
            {
                if (!child.HasExited) child.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // Already gone, or not ours to end.
            }
        }
        foreach (var folder in Folders.Keys)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the next run removes what is left (VideoWorkFolder).
            }
        }
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
