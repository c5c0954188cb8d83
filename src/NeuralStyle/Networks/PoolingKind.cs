namespace NeuralStyle.Networks;

/// <summary>How the VGG network downsamples between blocks. Gatys et al. found average pooling gives
/// slightly smoother results; the pretrained weights were trained with max pooling.</summary>
public enum PoolingKind { Max, Average }
