using NeuralStyle.Faces;
using NeuralStyle.Imaging;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;
using TorchSharp;
using static TorchSharp.torch;
using static NeuralStyle.Tests.Controls.ControlRuns;

namespace NeuralStyle.Tests.Faces;

/// <summary><see cref="FaceDetector"/> and <see cref="FaceMask"/> on the bundled example photos: the astronaut's portrait has
/// one face where her face is; the cup of coffee has none.</summary>
public sealed class FaceMaskTests
{
    private static readonly string Astronaut = Path.Combine(Examples, "astronaut.png");
    private static readonly string Coffee = Path.Combine(Examples, "coffee.png");

    [Fact]
    public void FindsTheAstronautsFaceAndNoFaceInACup()
    {
        using var detector = new FaceDetector();
        using var astronaut = ImageLoader.Load(Astronaut);
        var faces = detector.Find(astronaut);
        var face = Assert.Single(faces);
        // skimage's astronaut (512×512): Eileen Collins' face is left of centre, in the upper half.
        var (cx, cy) = (face.X + face.Width / 2.0, face.Y + face.Height / 2.0);
        Assert.InRange(cx, 150, 300);
        Assert.InRange(cy, 60, 220);
        Assert.InRange(face.Width, 60, 200);

        using var coffee = ImageLoader.Load(Coffee);
        Assert.Empty(detector.Find(coffee));
        Assert.Null(FaceMask.ForPhoto(Coffee));
    }

    [Fact]
    public void TheMaskIsWhiteOverTheFaceAndFallsOffOutsideIt()
    {
        using var mask = FaceMask.Draw([new FaceBox(40, 30, 40, 40)], 160, 120);
        Assert.Equal(new long[] { 1, 1, 120, 160 }, mask.shape);
        Assert.Equal(1f, mask[0, 0, 52, 60].item<float>()); // the box's centre (a little below the middle, towards the chin)
        Assert.Equal(1f, mask[0, 0, 72, 60].item<float>()); // the chin, just below the box
        Assert.Equal(0f, mask[0, 0, 5, 5].item<float>());   // a far corner
        var edge = mask[0, 0, 52, 60 + 33].item<float>();   // beyond the grown ellipse's side (27 px), inside its soft edge
        Assert.InRange(edge, 0.01f, 0.99f);
    }

    [Fact]
    public void AFaceMaskCostsTheFaceLessContentDistance()
    {
        // A run with the astronaut's face mask keeps the face region nearer the photo than the same run without.
        using var scope = torch.NewDisposeScope();
        // The default network and look, at one small scale, one thread.
        var settings = Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Vgg19Conv3) with
        {
            Size = 96, Scales = 1, ScaleIterations = null, Iterations = 30, Threads = 1,
        };
        var plain = StyleTransferSession.Stylize(settings, StyleTransferInputs.FromFiles(Astronaut, [Starry], settings)).Image;
        var masked = StyleTransferSession.Stylize(settings,
            StyleTransferInputs.FromFiles(Astronaut, [Starry], settings, contentMask: FaceMask.ForPhoto(Astronaut)!)).Image;
        var photo = ImageLoader.Load(Astronaut, 96, 96);
        // The error weighted by the face mask itself, at the result's size.
        var weights = nn.functional.interpolate(FaceMask.ForPhoto(Astronaut)!.Load(96, 96).mean([1], keepdim: true), size: [96, 96], mode: InterpolationMode.Area);
        var error = (Tensor t) => ((t - photo).square() * weights).sum().item<float>() / weights.sum().item<float>();
        var (plainError, maskedError) = (error(plain), error(masked));
        Assert.True(maskedError < 0.9 * plainError, $"face error with the mask {maskedError:F5}, without {plainError:F5}");
    }
}
