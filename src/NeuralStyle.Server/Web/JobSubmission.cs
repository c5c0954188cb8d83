using System.Globalization;
using Microsoft.AspNetCore.Http;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Storage;

namespace NeuralStyle.Server.Web;

/// <summary>
/// The multipart form of <c>POST /api/jobs</c> turned into a job: its images (uploads, bundled examples, or the
/// inputs of an earlier job of the same owner), each checked by decoding, and its settings, checked by resolving
/// them as a worker will. Every problem is one line for the page (<see cref="NeuralStyleException"/>).
/// </summary>
public static class JobSubmission
{
    public static (JobRecord Job, Dictionary<string, byte[]> Images) Read(IFormCollection form, string owner, string address,
        IJobStore store, ServiceLimits limits)
    {
        var images = new List<(string Name, byte[] Bytes)>();
        var reused = Text(form, "fromJob") is { } from ? ReusedInputs(from, owner, store) : null;

        // The photo: an upload, an example, or the earlier job's.
        if (form.Files.GetFile("photo") is { Length: > 0 } photo) images.Add(Upload(photo, limits));
        else if (Text(form, "photoExample") is { } example) images.Add(Example(example, "photo"));
        else if (reused is not null) images.Add(reused[0]);
        else throw new NeuralStyleException("choose a photo (upload one or pick an example)");

        var paintings = form.Files.GetFiles("paintings").Where(f => f.Length > 0).Select(f => Upload(f, limits)).ToList();
        foreach (var name in List(form, "paintingExamples")) paintings.Add(Example(name, "painting"));
        if (paintings.Count == 0 && reused is not null) paintings.AddRange(reused.Skip(1));
        if (paintings.Count == 0) throw new NeuralStyleException("choose at least one painting (upload one or pick an example)");
        if (paintings.Count > limits.MaxPaintings) throw new NeuralStyleException($"at most {limits.MaxPaintings} paintings per job");
        images.AddRange(paintings);

        var request = new JobRequest
        {
            Preset = Text(form, "preset") ?? "gatys",
            Model = Text(form, "model") ?? "auto",
            Size = Number(form, "size", int.Parse) ?? 512,
            Strength = Number(form, "strength", double.Parse) ?? 1,
            Iterations = Number(form, "iterations", int.Parse),
            PreserveColor = Text(form, "preserveColor") ?? "none",
            StyleBlend = Text(form, "styleBlend") is { } blend ? ParseBlend(blend) : null,
            Seed = Number(form, "seed", long.Parse) ?? 0,
        };
        request.Resolve(paintings.Count, limits); // the same checks a worker makes, now, while the user is here

        var job = new JobRecord
        {
            Id = JobId.New(),
            Owner = owner,
            Address = address,
            Request = request,
            InputNames = images.Select(i => i.Name).ToList(),
        };
        return (job, Blobs.OfInputs(images.Select(i => i.Bytes).ToList()));
    }

    private static (string, byte[]) Upload(IFormFile file, ServiceLimits limits)
    {
        // The browser's file name is shown, never used as a path; only its last part, printable, bounded.
        var name = new string(Path.GetFileName(file.FileName.Replace('\\', '/')).Where(c => !char.IsControl(c)).Take(80).ToArray());
        if (name.Length == 0) name = "upload";
        using var stream = file.OpenReadStream();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        UploadCheck.Require(bytes, name, limits);
        return (name, bytes);
    }

    private static (string, byte[]) Example(string name, string kind)
    {
        var example = Examples.Find(name) is { } e && e.Kind == kind ? e : throw new NeuralStyleException($"there is no example {kind} '{name}'");
        return (example.File, Examples.Bytes(example));
    }

    private static List<(string Name, byte[] Bytes)> ReusedInputs(string id, string owner, IJobStore store)
    {
        var job = JobId.IsWellFormed(id) ? store.Get(id) : null;
        if (job is null || job.Owner != owner) throw new NeuralStyleException("the earlier job to take the images from is not in your gallery");
        return job.InputNames.Select((name, i) => (name, store.GetBlob(id, Blobs.Input(i))!)).ToList();
    }

    private static IReadOnlyList<double> ParseBlend(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var weights = new List<double>();
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) || !(w >= 0) || !double.IsFinite(w))
                throw new NeuralStyleException($"style blend '{text}' must be weights ≥ 0 separated by commas, e.g. 0.7,0.3");
            weights.Add(w);
        }
        if (weights.Count == 0 || !(weights.Sum() > 0)) throw new NeuralStyleException("style blend weights must not all be 0");
        return weights;
    }

    private static string? Text(IFormCollection form, string key) =>
        form.TryGetValue(key, out var value) && value.ToString().Trim() is { Length: > 0 } text ? text : null;

    private static IEnumerable<string> List(IFormCollection form, string key) =>
        form.TryGetValue(key, out var values)
            ? values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            : [];

    private static T? Number<T>(IFormCollection form, string key, Func<string, IFormatProvider, T> parse) where T : struct
    {
        if (Text(form, key) is not { } text) return null;
        try
        {
            return parse(text, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new NeuralStyleException($"{key} '{text}' is not a number");
        }
    }
}
