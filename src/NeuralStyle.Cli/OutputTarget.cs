using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>Names intermediate output files.</summary>
internal static class OutputTarget
{
    /// <summary>out.png → out_0100.png for an intermediate image saved at step 100.</summary>
    public static string ForStep(string path, int step) => StepFiles.For(path, step);
}
