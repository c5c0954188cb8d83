namespace NeuralStyle.Transfer;

/// <summary>The space the optimised image lives in.</summary>
public enum ImageSpace
{
    /// <summary>RGB in [0,1]; the network's normalisation is applied on the way in.</summary>
    Pixels,

    /// <summary>The network's own input space (ImageNet-normalised for VGG), as in the seed tutorial,
    /// which optimises the normalised content clone directly and never clamps it.</summary>
    Normalized,
}
