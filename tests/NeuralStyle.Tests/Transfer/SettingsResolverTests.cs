using NeuralStyle.Cli;
using NeuralStyle.Networks;
using NeuralStyle.Transfer;

namespace NeuralStyle.Tests.Transfer;

/// <summary>Preset + model + overrides → settings, in the library; its errors name the setting, the CLI's the flag.</summary>
public class SettingsResolverTests
{
    [Fact]
    public void OverridesApplyOnTopOfThePresetForTheModel()
    {
        var settings = SettingsResolver.Resolve(new SettingOverrides { Model = ModelSpec.Vgg19Conv3, Optimizer = OptimizerKind.Adam, Iterations = 30 });
        Assert.Equal(Presets.ForModel(Presets.Gatys, "gatys", ModelSpec.Vgg19Conv3).StyleLayers, settings.StyleLayers);
        Assert.Equal(Presets.DefaultLearningRate(OptimizerKind.Adam, ImageSpace.Pixels), settings.LearningRate); // switched with the optimiser
        Assert.Null(settings.ScaleIterations); // the preset's schedule gives way to --iterations
        Assert.Equal(3, settings.Scales);
        var twoStyles = SettingsResolver.Resolve(new SettingOverrides { Model = ModelSpec.ResNet18, StyleScales = [0.5] }, styleCount: 2);
        // One value is StyleScale for every painting; several are one per painting.
        Assert.Equal(0.5, twoStyles.StyleScale);
        Assert.Null(twoStyles.StyleScales);
        var perStyle = SettingsResolver.Resolve(new SettingOverrides { Model = ModelSpec.ResNet18, StyleScales = [0.5, 2] }, styleCount: 2);
        Assert.Equal([0.5, 2.0], perStyle.StyleScales);
    }

    [Fact]
    public void ErrorsNameTheSettingAndTheCliNamesItsFlag()
    {
        var e = Assert.Throws<SettingException>(() => SettingsResolver.Resolve(new SettingOverrides { Model = ModelSpec.ResNet18, Size = 5 }));
        Assert.Equal(("Size", "Size must be between 16 and 8192 pixels"), (e.Setting, e.Message));
        Assert.Equal("--size must be between 16 and 8192 pixels", SettingFlags.Rewrite(e));

        e = Assert.Throws<SettingException>(() => SettingsResolver.Resolve(new SettingOverrides { Model = ModelSpec.ResNet18, Size = 512, Scales = 2, ScaleIterations = [1, 2, 3] }));
        Assert.Equal("--scale-iterations needs one step count per scale (2 with --scales 2)", SettingFlags.Rewrite(e));
    }
}
