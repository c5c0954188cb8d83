using NeuralStyle.Losses;
using NeuralStyle.Networks;

namespace NeuralStyle.Transfer;

/// <summary>Named starting points for <see cref="StyleTransferSettings"/>.</summary>
public static class Presets
{
    public static readonly IReadOnlyList<string> Names = ["gatys", "seed"];

    public static StyleTransferSettings Get(string name) => name switch
    {
        "gatys" => Gatys,
        "seed" => Seed,
        _ => throw new NeuralStyleException($"unknown preset '{name}' (expected {string.Join(" or ", Names)})"),
    };

    /// <summary>
    /// Exactly the seed tutorial: conv (pre-ReLU) style layers 1.0/0.75/0.2/0.2/0.2, content conv4_2,
    /// unnormalised Gram, α = 1, β = 1e6, 400 px, Adam lr 0.003 for 2000 steps on a clone of the
    /// normalised content image, no clamping, max pooling.
    /// </summary>
    public static StyleTransferSettings Seed { get; } = new()
    {
        Size = 400,
        Iterations = 2000,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 0.003,
        ContentWeight = 1,
        StyleWeight = 1e6,
        TvWeight = 0,
        StyleLayers =
        [
            new("conv1_1", 1.0), new("conv2_1", 0.75), new("conv3_1", 0.2), new("conv4_1", 0.2), new("conv5_1", 0.2),
        ],
        ContentLayer = "conv4_2",
        Pooling = PoolingKind.Max,
        Normalization = LossNormalization.Tutorial,
        Space = ImageSpace.Normalized,
        Init = InitialImage.Content,
    };

    /// <summary>
    /// Gatys et al. 2016: style relu1_1…relu5_1 with equal weights, content relu4_2, L-BFGS, 512 px.
    /// Loss terms are scale-free relative errors (<see cref="LossNormalization.ScaleFree"/>), so these
    /// weights hold at every size; see the README for how they were chosen.
    /// </summary>
    public static StyleTransferSettings Gatys { get; } = new()
    {
        Size = 512,
        Iterations = 500,
        Optimizer = OptimizerKind.Lbfgs,
        LearningRate = 1,
        ContentWeight = 1,
        StyleWeight = 5,
        TvWeight = 0.1,
        StyleLayers =
        [
            new("relu1_1", 0.2), new("relu2_1", 0.2), new("relu3_1", 0.2), new("relu4_1", 0.2), new("relu5_1", 0.2),
        ],
        ContentLayer = "relu4_2",
        Pooling = PoolingKind.Max,
        Normalization = LossNormalization.ScaleFree,
        Space = ImageSpace.Pixels,
        Init = InitialImage.Content,
        // The Scream's scan has a strip of red board down its right edge, which the result copied as a frame.
        StyleTrim = 0.03,
    };

    /// <summary>The learning rate to use when an option switches a preset to another optimiser.
    /// L-BFGS scales its own steps (1 is the usual choice); Adam moves every value by about lr per
    /// step, so its rate depends on the range of the space it works in.</summary>
    public static double DefaultLearningRate(OptimizerKind optimizer, ImageSpace space) => optimizer switch
    {
        OptimizerKind.Lbfgs => 1,
        _ => space == ImageSpace.Normalized ? 0.02 : 0.005,
    };

    /// <summary>
    /// A preset's settings for the network the run uses. The presets are written for VGG; the
    /// bundled ResNet18 has its own layers and weights (chosen by comparing results, see the README);
    /// a custom ONNX network has no known layers, so the user names them.
    /// </summary>
    public static StyleTransferSettings ForModel(StyleTransferSettings preset, string presetName, ModelSpec model) =>
        model.Family switch
        {
            ModelFamily.ResNet18 when presetName == "seed" => throw new NeuralStyleException(
                "--preset seed is the VGG tutorial (conv1_1…conv5_1); use it with --model vgg19 or vgg16"),
            ModelFamily.ResNet18 => preset with
            {
                Model = model,
                StyleLayers = [new("conv1", 0.2), new("layer1", 0.2), new("layer2", 0.2), new("layer3", 0.2), new("layer4", 0.2)],
                ContentLayer = "layer3",
                StyleWeight = 10,
                TvWeight = 0.1,
                Iterations = 300,
                // Measured (README, "Multi-scale"): at 512 px coarse-to-fine ends 6 % lower and paints the large
                // shapes a single-scale run leaves out, for about 30 % more time. With the VGG weights we have
                // (to conv3_4) it gained nothing, so VGG stays single-scale like the paper.
                Scales = ScalePyramid.Automatic,
            },
            ModelFamily.Vgg when model == ModelSpec.Vgg19Conv3 && presetName == "seed" => throw new NeuralStyleException(
                "--preset seed uses conv4_1, conv4_2 and conv5_1, which the bundled vgg19-conv3 does not hold; use the full --model vgg19"),
            ModelFamily.Vgg when model == ModelSpec.Vgg19Conv3 => preset with
            {
                Model = model,
                // Without relu4_1/relu5_1 nothing sees large regions of a 512 px image, so the run goes coarse-to-fine:
                // at 128 px relu3_1 (receptive field 24 px) sees a fifth of the picture and paints the painting's large
                // strokes, and each finer scale adds finer ones. It starts at 128, not 64 px: at 64 px relu3_1 has fewer
                // positions (16 × 12) than channels (256), so matching the painting's Gram matrix there amounts to
                // rearranging the painting's own feature vectors, and pieces of it were pasted in (a moon, a railing).
                // The content is compared at relu3_1, a style layer already, so the network stops there and conv3_2's
                // cost is saved; the finest scales get few steps. Two judges preferred it to the 64 px schedule on 13 of 20
                // blind verdicts, in 0.58× the time (README, "The default look").
                StyleLayers = [new("relu1_1", 1), new("relu2_1", 1), new("relu3_1", 1)],
                ContentLayer = "relu3_1",
                ContentWeight = 0.3,
                StyleWeight = 20,
                TvWeight = 1,
                Iterations = 25,
                Scales = 3,
                ScaleIterations = [200, 80, 25],
            },
            ModelFamily.Onnx => preset with { Model = model, StyleLayers = [], ContentLayer = "" },
            _ => preset with { Model = model },
        };
}
