using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using NeuralStyle.Cli;
using NeuralStyle.Cli.Commands;
using NeuralStyle.Transfer;

namespace NeuralStyle.Bench.Commands;

/// <summary>
/// <c>bench quality --candidate NAME="stylize options"</c>: the options are read by <c>stylize</c>'s own parser and
/// resolved by <see cref="StylizeOptions.ToSettings"/>, so a candidate means exactly what the same options mean to
/// <c>stylize</c>. The bench supplies the photo, the painting and the output, and its <c>--size</c> and
/// <c>--threads</c> unless the candidate gives its own.
/// </summary>
internal static partial class CandidateSettings
{
    public static QualityCandidate Parse(string text, int size, int threads, Action<string> notice)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0) throw new NeuralStyleException($"--candidate must be NAME=\"stylize options\", not '{text}'");
        var name = text[..equals];
        var options = text[(equals + 1)..].Trim();
        if (!FileNameSafe().IsMatch(name))
            throw new NeuralStyleException($"--candidate {name}: a name may use letters, digits, '_', '.', '+' and '-' only (it names files)");

        var stylize = new StylizeOptions();
        var command = new Command("stylize");
        stylize.AddTo(command);
        var tokens = CommandLineParser.SplitCommandLine(options).ToList();
        // Placeholders for what stylize requires and the bench provides; nothing is read from them.
        ParseResult Read(IEnumerable<string> defaults) => command.Parse(["PHOTO", "PAINTING", "--output", "RESULT.png", .. defaults, .. tokens]);

        var parsed = Read([]);
        Check(name, parsed, stylize);
        var defaults = new List<string>();
        if (parsed.GetResult(stylize.Size) is null) defaults.AddRange(["--size", size.ToString(CultureInfo.InvariantCulture)]);
        if (parsed.GetResult(stylize.Threads) is null) defaults.AddRange(["--threads", threads.ToString(CultureInfo.InvariantCulture)]);
        parsed = Read(defaults);
        Check(name, parsed, stylize);
        StyleTransferSettings settings;
        try
        {
            settings = stylize.ToSettings(parsed, message => notice($"--candidate {name}: {message}"));
        }
        catch (NeuralStyleException e)
        {
            throw new NeuralStyleException($"--candidate {name}: {(e is SettingException setting ? SettingFlags.Rewrite(setting) : e.Message)}");
        }
        // --content-mask is an input, not a setting: the run finds it per pair (a file, or the faces in each photo).
        return new QualityCandidate(name, options, settings, StylizeOptions.Describe(settings)) { ContentMask = parsed.GetValue(stylize.ContentMask) };
    }

    private static void Check(string name, ParseResult parsed, StylizeOptions stylize)
    {
        if (parsed.GetResult(stylize.Output) is { Tokens.Count: > 1 })
            throw new NeuralStyleException($"--candidate {name}: --output is not for bench quality (results go to bench quality's --out)");
        if (parsed.Errors.Count > 0) throw new NeuralStyleException($"--candidate {name}: {parsed.Errors[0].Message}");
        if (parsed.GetValue(stylize.Style) is { Length: > 1 } styles)
            throw new NeuralStyleException($"--candidate {name}: unexpected argument '{styles[1]}' (the pairs give the photo and painting)");
        foreach (var option in new Option[] { stylize.ContactSheet, stylize.PlotLosses, stylize.LogJson, stylize.SaveEvery, stylize.StyleBlend })
            if (parsed.GetResult(option) is { Implicit: false })
                throw new NeuralStyleException($"--candidate {name}: {option.Name} is not for bench quality");
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.+-]+$")]
    private static partial Regex FileNameSafe();
}
