using Onnx;

namespace NeuralStyle.Onnx;

/// <summary>
/// The ResNet18 that ships with the build (NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18, a
/// CNTK export) as a feature network. Its input is BGR in 0..255 minus per-channel means; the file's
/// own preprocessing subtracts a 224×224 mean image, whose channel means we use so any size works.
/// </summary>
public static class ResNet18Network
{
    public const string Name = "resnet18";

    /// <summary>B, G, R means of the mean image the model was trained with.</summary>
    public static readonly float[] ChannelMeans = [103.06f, 115.90f, 123.15f];

    /// <summary>
    /// Image sides that are multiples of this run every layer. The export pads its strided 3×3
    /// convolutions asymmetrically ([1,1,0,0]) but not their 1×1 shortcuts, so at an odd size entering
    /// layer2/3/4 the two branches of the residual Add differ by one pixel and the Add fails (ONNX
    /// Runtime fails the same way). Shallower layers work at any size.
    /// </summary>
    public const int SizeMultiple = 32;

    public static OnnxInputConvention Convention { get; } = new(true, 255f, ChannelMeans, [1f, 1f, 1f]);

    /// <summary>Stage outputs (after the stem's ReLU and after each residual stage), by friendly name.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Stages =
    [
        new("conv1", "ReLU253_Output_0"),
        new("layer1", "ReLU283_Output_0"),
        new("layer2", "ReLU315_Output_0"),
        new("layer3", "ReLU347_Output_0"),
        new("layer4", "ReLU393_Output_0"),
    ];

    /// <summary>Where the build puts the bundled file: DnnImageModels/ResNet18Onnx/ in the application folder, as
    /// the ML.NET package lays it out (see <see cref="BundledFiles"/>).</summary>
    public static string BundledPath => BundledFiles.Locate(Path.Combine("DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"));

    /// <param name="path">A ResNet18.onnx to use instead of the bundled one.</param>
    public static OnnxFeatureNetwork Create(string? path = null)
    {
        path ??= BundledPath;
        if (!File.Exists(path))
            throw new NeuralStyleException(
                $"the ResNet18 model is missing: expected '{path}' (it ships with the build via the Microsoft.ML.DnnImageFeaturizer.ResNet18 package; rebuild to restore it)");
        return FromModel(OnnxModelFile.Load(path), path);
    }

    /// <summary>True when a loaded ONNX model is this ResNet18 export (same input and stage tensors),
    /// so <c>--model onnx:…/ResNet18.onnx</c> gets the same preprocessing and layer names as resnet18.</summary>
    public static bool Matches(ModelProto model)
    {
        var tensors = model.Graph.Node.SelectMany(n => n.Output).ToHashSet();
        return model.Graph.Input.Any(i => i.Name == InputName) && Stages.All(s => tensors.Contains(s.Value));
    }

    public const string InputName = "Input247";

    public static OnnxFeatureNetwork FromModel(ModelProto model, string path)
    {
        var layers = Layers(model.Graph, path);
        var executor = new OnnxExecutor(model, path);
        try
        {
            return new OnnxFeatureNetwork(Name, executor, layers, Convention, SizeMultiple);
        }
        catch
        {
            executor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// conv1, then each residual block's output (a ReLU fed by the block's Add) as layerS_B, and each
    /// stage's name after its last block. Block names are discovered from the graph, so they follow
    /// the file rather than an assumed depth (this export has three blocks in its last stage).
    /// </summary>
    internal static List<KeyValuePair<string, string>> Layers(GraphProto graph, string source)
    {
        var producerOp = graph.Node.SelectMany(n => n.Output.Select(o => (o, n.OpType))).ToDictionary(p => p.o, p => p.OpType);
        var blockOutputs = graph.Node
            .Where(n => n.OpType == "Relu" && producerOp.GetValueOrDefault(n.Input[0]) == "Add")
            .Select(n => n.Output[0]);

        var layers = new List<KeyValuePair<string, string>> { Stages[0] };
        var stage = 1;
        var block = 0;
        foreach (var tensor in blockOutputs)
        {
            if (stage >= Stages.Count) break;
            layers.Add(new($"{Stages[stage].Key}_{block++}", tensor));
            if (tensor != Stages[stage].Value) continue;
            layers.Add(Stages[stage]); // the stage ends with this block
            stage++;
            block = 0;
        }
        if (stage < Stages.Count)
            throw new NeuralStyleException(
                $"{source} is not the expected ResNet18: stage output '{Stages[stage].Value}' ({Stages[stage].Key}) is not a residual block output");
        return layers;
    }
}
