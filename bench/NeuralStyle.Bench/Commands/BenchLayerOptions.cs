using System.CommandLine;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench.Commands;

/// <summary><c>--style-layers</c> and <c>--content-layer</c> for the bench commands, which otherwise take the
/// preset's layers: needed for weights that stop early, such as the conv1_1…conv3_4 test fixture.</summary>
internal sealed class BenchLayerOptions
{
    public readonly Option<string?> StyleLayers = new("--style-layers") { Description = "Style layers instead of the preset's, e.g. for weights that stop early." };
    public readonly Option<string?> ContentLayer = new("--content-layer") { Description = "Content layer instead of the preset's." };

    public IEnumerable<Option> All => [StyleLayers, ContentLayer];

    public IReadOnlyList<LayerWeight>? StyleLayersOf(ParseResult parsed) =>
        parsed.GetValue(StyleLayers) is { } layers ? LayerWeights.Parse(layers) : null;

    /// <summary><paramref name="settings"/> with whichever layers were given.</summary>
    public StyleTransferSettings Apply(ParseResult parsed, StyleTransferSettings settings) => settings with
    {
        StyleLayers = StyleLayersOf(parsed) ?? settings.StyleLayers,
        ContentLayer = parsed.GetValue(ContentLayer) ?? settings.ContentLayer,
    };
}
