using TorchSharp;

namespace NeuralStyle.Runtime;

/// <summary>
/// Numbers for libtorch that stay alive through the call. TorchSharp turns a number it is given (and the hidden alpha
/// = 1 of <c>add(tensor)</c>) into a finalizable <see cref="Scalar"/> it does not reference during the native call,
/// so a garbage collection on another thread can free it while libtorch reads it ("Expected false to be true" from
/// <c>Scalar::toFloat</c>; see <see cref="TorchCompute"/>). The hot paths (every ONNX Add and BatchNormalization, the
/// optimisers) pass these instead: <see cref="One"/> is never collected, and <see cref="Of(double)"/> is disposed by
/// its caller after the call.
/// </summary>
internal static class KeptScalar
{
    /// <summary>alpha = 1, as TorchSharp's own <c>add(tensor)</c> passes it (an integer Scalar).</summary>
    public static readonly Scalar One = 1.ToScalar();

    public static Scalar Of(double value) => value.ToScalar();

    public static Scalar Of(float value) => value.ToScalar();
}
