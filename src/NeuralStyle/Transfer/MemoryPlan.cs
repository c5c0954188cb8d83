using System.Globalization;
using NeuralStyle.Networks;
using NeuralStyle.Runtime;
using NeuralStyle.Tiling;

namespace NeuralStyle.Transfer;

/// <summary>
/// How one scale of a run fits its memory budget (<see cref="StyleTransferSettings.MaxMemoryBytes"/>): the whole
/// image at once when it fits, else tiles (<see cref="TileGeometry"/>) as large as the budget allows, up to
/// <see cref="LargestAutomaticTile"/>, with the L-BFGS history sized to what is left. The one place that decides
/// both, from the estimates of <see cref="MemoryEstimate"/>; a scale that cannot fit fails here, in one line,
/// before any image is loaded.
/// </summary>
/// <param name="Tiles">Null: the whole image at once.</param>
/// <param name="LbfgsHistory">The curvature pairs L-BFGS keeps at this scale (≤ the setting).</param>
/// <param name="BudgetBytes">Null where no budget was given and /proc/meminfo cannot be read.</param>
public sealed record MemoryPlan(long Width, long Height, TileGeometry? Tiles, int TileColumns, int TileRows, int LbfgsHistory,
    double EstimatedBytes, double? BudgetBytes, int RequestedHistory, OptimizerKind Optimizer)
{
    /// <summary>The smallest <c>--max-memory</c>: below it not even the runtime, libtorch and the weights fit.</summary>
    public const long MinimumBudget = 1L << 30;

    /// <summary>Automatic tiles stop growing here (or at 4 halos, for networks that see far): larger tiles were
    /// slower, not faster (bundled VGG layers, bf16, 2048×1365 px: 12.2, 12.1 and 15.6 s/step with tiles of 256, 512 and
    /// 1024 px; fp32 19.6 and 24.0 s with 256 and 1024), and memory beyond it is better spent on the L-BFGS history.</summary>
    public const int LargestAutomaticTile = 512;

    /// <summary>The history automatic tiles keep at least (when the setting asks for that many); smaller tiles are
    /// chosen before a shorter history.</summary>
    public const int MinimumHistory = 5;

    public bool Tiled => Tiles is not null;

    /// <summary>The history was cut to fit the budget.</summary>
    public bool HistoryReduced => Optimizer == OptimizerKind.Lbfgs && LbfgsHistory < RequestedHistory;

    /// <summary>One line for people: "4096×2731 px: 3×2 tiles of up to 1376 px (+24 px halo), L-BFGS history 12 of 100; about 3.8 GiB of a 4.0 GiB budget".</summary>
    public string Describe()
    {
        var how = Tiles is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"{TileColumns}×{TileRows} tiles of up to {t.Side} px (+{Math.Max(t.HaloBefore, t.HaloAfter)} px halo)")
            : "the whole image at once";
        var history = Optimizer != OptimizerKind.Lbfgs ? ""
            : HistoryReduced ? $", L-BFGS history {LbfgsHistory} of {RequestedHistory}" : $", L-BFGS history {LbfgsHistory}";
        var budget = BudgetBytes is { } b ? $" of a {MemorySize.Format(b)} budget" : "";
        return $"{Width}×{Height} px: {how}{history}; about {MemorySize.Format(EstimatedBytes)}{budget}";
    }

    /// <summary>The budget when none is given: what this process holds now plus 90 % of what the kernel says is
    /// available (the rest is left to the page cache and other programs); null where /proc cannot be read.</summary>
    public static long? DefaultBudget()
    {
        var available = MemoryEstimate.ReadMemAvailable();
        var resident = ProcFile.ReadKilobytesAsBytes("/proc/self/status", "VmRSS") ?? 0;
        return available is { } a ? resident + (long)(0.9 * a) : null;
    }

    /// <summary>The budget work is checked against: <paramref name="maxMemoryBytes"/> (<c>--max-memory</c>) when given, else
    /// <see cref="DefaultBudget"/>; null where neither is known (no check).</summary>
    public static long? BudgetOf(long? maxMemoryBytes) => maxMemoryBytes ?? DefaultBudget();

    /// <summary>"--max-memory 2.0 GiB" or "the 20.1 GiB this machine has available", for messages.</summary>
    public static string DescribeBudget(long budget, long? maxMemoryBytes) => maxMemoryBytes is null
        ? $"the {MemorySize.Format(budget)} this machine has available"
        : $"--max-memory {MemorySize.Format(budget)}";

    /// <summary>
    /// Refuses, from its header and before any pixel is decoded, an image whose loading would take this process past its
    /// budget (<see cref="BudgetOf"/>): what the process holds now plus <see cref="MemoryEstimate.DecodePeakBytes"/>.
    /// A 100-megapixel PNG needs about 2.6 GB whatever size it is loaded at; a JPEG loaded small decodes small and fits.
    /// </summary>
    /// <param name="name">The image, as messages name it.</param>
    /// <param name="size">Its upright size; <paramref name="decoded"/> is what it decodes at for <paramref name="target"/>.</param>
    public static void EnsureDecodeFits(string name, Imaging.ImageSize size, Imaging.ImageSize decoded, Imaging.ImageSize target, long? maxMemoryBytes)
    {
        if (BudgetOf(maxMemoryBytes) is not { } budget) return;
        var bytes = MemoryEstimate.DecodePeakBytes(decoded, target);
        var held = ProcFile.ReadKilobytesAsBytes("/proc/self/status", "VmRSS") ?? 0;
        if (held + bytes <= budget) return;
        var how = decoded.Pixels < size.Pixels ? $" (decoded at {decoded} for {target})" : "";
        throw new NeuralStyleException(
            string.Create(CultureInfo.InvariantCulture, $"Image '{name}' is {size} px ({size.Pixels / 1e6:0.#} megapixels); loading it{how} needs about {MemorySize.Format(bytes)} ") +
            $"besides the {MemorySize.Format(held)} in use, more than {DescribeBudget(budget, maxMemoryBytes)}; " +
            (maxMemoryBytes is null ? "free memory or " : "raise --max-memory or ") + "use a smaller image");
    }

    /// <param name="network">The run's loss network (for its tiles' halos).</param>
    /// <param name="defaultBudget">Used when the settings give none (<see cref="DefaultBudget"/>).</param>
    public static MemoryPlan Make(StyleTransferSettings settings, IFeatureNetwork network, long width, long height, long? defaultBudget)
    {
        var type = PrecisionChoice.ComputeType(settings.Precision);
        var requested = settings.LbfgsHistory;
        double? budget = settings.MaxMemoryBytes ?? defaultBudget;
        var forced = settings.TileSize > 0 && Math.Max(width, height) > settings.TileSize;
        // The network's own count where it has one (an ONNX graph), measured once at a small size, before it runs.
        var counted = network.ValuesPerPixel(settings.UsedLayers, (long?)budget);
        var whole = MemoryEstimate.PeakBytes(settings, width, height, type, counted);
        MemoryPlan Plan(TileGeometry? tiles, int history, double bytes)
        {
            var layout = tiles?.Layout(height, width);
            return new MemoryPlan(width, height, tiles, layout?.Columns ?? 1, layout?.Rows ?? 1, history, bytes, budget, requested, settings.Optimizer);
        }
        if (!forced && (budget is null || whole <= budget)) return Plan(null, requested, whole);

        var layers = settings.UsedLayers;
        var size = string.Create(CultureInfo.InvariantCulture, $"{width}×{height} px");
        if (TileGeometry.WhyNot(network, layers) is { } why)
        {
            if (forced) throw new SettingException(nameof(StyleTransferSettings.TileSize), $"cannot be used: {why}");
            throw new NeuralStyleException($"{size} needs about {MemorySize.Format(whole)} but the budget is {MemorySize.Format(budget!.Value)}, and {why}; " +
                "use a smaller --size or a larger --max-memory");
        }

        double Peak(TileGeometry tiles, int history)
        {
            var layout = tiles.Layout(height, width);
            var largest = layout.Tiles.Max(t => (double)t.Height * t.Width);
            return MemoryEstimate.TiledPeakBytes(settings, width, height, type, largest, history, counted);
        }
        var lbfgs = settings.Optimizer == OptimizerKind.Lbfgs;
        var floor = lbfgs ? Math.Min(requested, MinimumHistory) : 0;
        TileGeometry? geometry = null;
        if (forced) geometry = TileGeometry.For(network, layers, settings.TileSize);
        else
        {
            // The largest tile that fits with the floor history, else with one pair.
            var smallest = TileGeometry.For(network, layers, 1);
            var step = (int)Math.Max(32, smallest.Alignment);
            var largest = Math.Max(LargestAutomaticTile, 4 * Math.Max(smallest.HaloBefore, smallest.HaloAfter));
            var top = (int)Math.Min(Math.Max(width, height), largest);
            foreach (var history in new[] { floor, Math.Min(floor, 1) }.Distinct())
            {
                for (var side = top; side >= step && geometry is null; side -= step)
                {
                    var candidate = TileGeometry.For(network, layers, side);
                    if (Peak(candidate, history) <= budget) geometry = candidate;
                }
                if (geometry is not null) break;
            }
            geometry ??= TileGeometry.For(network, layers, step); // does not fit: reported below
        }

        if (!forced && geometry.Layout(height, width).Tiles.Count == 1)
        {
            var pairBytes = MemoryEstimate.OptimizerBytesPerPixel(settings, 1) * width * height;
            // One tile is the whole image: run it whole (no second pass), with the history that fits beside it.
            var history = Math.Clamp((int)Math.Floor((budget!.Value - MemoryEstimate.PeakBytes(settings with { LbfgsHistory = 0 }, width, height, type, counted)) / pairBytes), 1, requested);
            var bytes = MemoryEstimate.PeakBytes(settings with { LbfgsHistory = history }, width, height, type, counted);
            if (bytes <= budget) return Plan(null, history, bytes);
        }
        var tiledPairBytes = Peak(geometry, 1) - Peak(geometry, 0);
        var fitting = budget is null || !lbfgs ? requested : (int)Math.Floor((budget.Value - Peak(geometry, 0)) / tiledPairBytes);
        var chosen = Math.Clamp(fitting, 1, requested);
        var estimate = Peak(geometry, chosen);
        if (budget is not null && estimate > budget)
            throw new NeuralStyleException($"{size} does not fit a {MemorySize.Format(budget.Value)} budget: in tiles of {geometry.Side} px" +
                (lbfgs ? " with an L-BFGS history of 1" : "") + $" it needs about {MemorySize.Format(estimate)}; " +
                (settings.MaxMemoryBytes is null ? "free memory, " : "raise --max-memory, ") + "use a smaller --size" +
                (forced ? " or a smaller --tile" : "") + (lbfgs ? " or --optimizer adam" : ""));
        return Plan(geometry, chosen, estimate);
    }
}
