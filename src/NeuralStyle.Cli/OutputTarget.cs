using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>Checks and names output files.</summary>
internal static class OutputTarget
{
    /// <summary>Rejects an output the run could never write (unknown format, missing folder) before any work starts.</summary>
    public static void Check(string path)
    {
        OutputFormat.ForPath(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
            throw new NeuralStyleException($"cannot write '{path}': folder '{directory}' does not exist");
    }

    /// <summary>out.png → out_0100.png for an intermediate image saved at step 100.</summary>
    public static string ForStep(string path, int step) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}_{step:D4}{Path.GetExtension(path)}");
}
