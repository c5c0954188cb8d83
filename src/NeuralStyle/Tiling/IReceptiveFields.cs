namespace NeuralStyle.Tiling;

/// <summary>A network that can say what each of its layers reads (<see cref="ReceptiveField"/>), so it can be
/// evaluated tile by tile with exact results.</summary>
public interface IReceptiveFields
{
    /// <summary>The receptive field of a layer. Throws a one-line <see cref="NeuralStyleException"/> for a layer
    /// that reads the whole image (a global pooling, a fully connected layer) and so cannot be tiled.</summary>
    ReceptiveField FieldOf(string layer);
}
