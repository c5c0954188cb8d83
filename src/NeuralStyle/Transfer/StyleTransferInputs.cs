using NeuralStyle.Imaging;

namespace NeuralStyle.Transfer;

/// <summary>
/// The images of a style transfer: the content photo, one or more paintings (with blend weights), the
/// regions of spatial control (mask and painting), an optional start image and, for a video frame, the
/// temporal guide (the previous stylised frame warped into this one, with its consistency mask). A
/// <see cref="StyleTransferSession"/> takes ownership and disposes them with itself.
/// </summary>
public sealed class StyleTransferInputs : IDisposable
{
    /// <param name="styleBlend">One weight per painting (normalised to sum 1); null = equal weights.</param>
    /// <param name="masks">Spatial control: the white part of each mask (stretched to the content) takes its painting,
    /// the rest of the image the <paramref name="styles"/>.</param>
    /// <param name="init">Where optimisation starts (resized to the content); null = as <see cref="StyleTransferSettings.Init"/> says.</param>
    /// <param name="temporal">A video frame's temporal term (see <see cref="TemporalGuide"/>); null = none.</param>
    /// <param name="contentMask">Where the photo must be kept more closely (white; stretched to the content): its content term
    /// counts 1 + <see cref="StyleTransferSettings.ContentMaskGain"/> times there; null = the same everywhere.</param>
    public StyleTransferInputs(ImageSource content, IReadOnlyList<ImageSource> styles, IReadOnlyList<double>? styleBlend = null,
        IReadOnlyList<(ImageSource Mask, ImageSource Style)>? masks = null, ImageSource? init = null, TemporalGuide? temporal = null,
        ImageSource? contentMask = null)
    {
        ContentMask = contentMask;
        Temporal = temporal;
        Content = content;
        Styles = styles;
        StyleBlend = styleBlend;
        Masks = masks ?? [];
        Init = init;
    }

    public ImageSource Content { get; }
    public IReadOnlyList<ImageSource> Styles { get; }
    public IReadOnlyList<double>? StyleBlend { get; }
    public IReadOnlyList<(ImageSource Mask, ImageSource Style)> Masks { get; }
    public ImageSource? Init { get; }
    public ImageSource? ContentMask { get; }
    public TemporalGuide? Temporal { get; }

    /// <summary>Inputs from files: the content and paintings given, the masks of <see cref="StyleTransferSettings.MaskPairs"/>
    /// and the start image of <see cref="StyleTransferSettings.Init"/> when that is a file.</summary>
    /// <param name="contentMask">A content mask (see the constructor), or null.</param>
    public static StyleTransferInputs FromFiles(string content, IReadOnlyList<string> styles, StyleTransferSettings settings,
        IReadOnlyList<double>? styleBlend = null, ImageSource? contentMask = null) =>
        new(ImageSource.FromFile(content), styles.Select(ImageSource.FromFile).ToList(), styleBlend,
            settings.MaskPairs.Select(p => (ImageSource.FromFile(p.MaskPath), ImageSource.FromFile(p.StylePath))).ToList(),
            settings.Init.Kind == InitialImageKind.File && settings.Init.Path is { } init ? ImageSource.FromFile(init) : null,
            contentMask: contentMask);

    /// <summary>Every image with its role ("content image", "style image 2", …), in a fixed order.</summary>
    public IEnumerable<(string Role, ImageSource Source)> All()
    {
        yield return ("content image", Content);
        for (var i = 0; i < Styles.Count; i++) yield return ($"style image {i + 1}", Styles[i]);
        for (var i = 0; i < Masks.Count; i++)
        {
            yield return ($"mask {i + 1}", Masks[i].Mask);
            yield return ($"mask style image {i + 1}", Masks[i].Style);
        }
        if (Init is not null) yield return ("init image", Init);
        if (ContentMask is not null) yield return ("content mask", ContentMask);
    }

    /// <summary>Counts that must agree with the settings; errors name the setting.</summary>
    internal void Check(StyleTransferSettings settings)
    {
        if (Styles.Count == 0) throw new NeuralStyleException("give at least one style image");
        if (StyleBlend is not null && StyleBlend.Count != Styles.Count)
            throw new SettingException("StyleBlend", $"has {StyleBlend.Count} weights for {Styles.Count} style images");
        if (StyleBlend is not null && (StyleBlend.Any(w => !(w >= 0) || !double.IsFinite(w)) || !(StyleBlend.Sum() > 0)))
            throw new SettingException("StyleBlend", "weights must be ≥ 0 and not all 0");
        if (settings.StyleScales is not null && settings.StyleScales.Count != Styles.Count)
            throw new SettingException(nameof(StyleTransferSettings.StyleScales), $"has {settings.StyleScales.Count} values for {Styles.Count} style images");
    }

    public void Dispose()
    {
        foreach (var (_, source) in All()) source.Dispose();
        Temporal?.Dispose();
    }
}
