using System.Globalization;
using System.Numerics;
using Microsoft.AspNetCore.Http;
using NeuralStyle.Imaging;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Server.Storage;

namespace NeuralStyle.Server.Web;

/// <summary>
/// The multipart form of <c>POST /api/jobs</c> turned into a job: its images (uploads, bundled examples, or the inputs
/// of an earlier job of the same owner) and its settings, checked by resolving them as a worker will. Everything that
/// needs no pixels is checked here (settings, counts, the images' headers and their pixels together); decoding the
/// uploads is left to the caller (<see cref="Submission.Uploads"/>), under the server's decode budget. Every problem is
/// one line for the page (<see cref="NeuralStyleException"/>).
/// </summary>
public static class JobSubmission
{
    /// <summary>A job that passed every cheap check; <see cref="Uploads"/> still need decoding (examples and earlier jobs'
    /// images were checked before).</summary>
    public sealed record Submission(JobRecord Job, Dictionary<string, byte[]> Images, IReadOnlyList<(string Name, byte[] Bytes)> Uploads, long UploadPixels);

    public static Submission Read(IFormCollection form, string owner, string address, IJobStore store, ServiceLimits limits)
    {
        // Settings and counts first: words and numbers, no image is looked at while one of them is wrong.
        if (form.Any(field => field.Value.Sum(v => v?.Length ?? 0) > limits.MaxFieldLength))
            throw new NeuralStyleException($"a form field is longer than this server's limit of {limits.MaxFieldLength} characters");
        var photoFile = form.Files.GetFile("photo") is { Length: > 0 } p ? p : null;
        var photoExample = Text(form, "photoExample");
        var paintingFiles = form.Files.GetFiles("paintings").Where(f => f.Length > 0).ToList();
        var paintingExamples = List(form, "paintingExamples").ToList();
        if (form.Files.Count > limits.MaxPaintings + 1 || paintingFiles.Count + paintingExamples.Count > limits.MaxPaintings)
            throw new NeuralStyleException($"at most {limits.MaxPaintings} paintings per job");
        // Examples are names in a fixed list: looked up now, their images are the server's own (checked when it was built).
        var photoExampleImage = photoFile is null && photoExample is not null ? Example(photoExample, "photo") : ((string, byte[])?)null;
        var paintingExampleImages = paintingExamples.Select(name => Example(name, "painting")).ToList();
        var reused = Text(form, "fromJob") is { } from ? ReusedJob(from, owner, store) : null;
        if (photoFile is null && photoExample is null && reused is null) throw new NeuralStyleException("choose a photo (upload one or pick an example)");
        var paintingCount = paintingFiles.Count + paintingExamples.Count is > 0 and var n ? n : reused?.InputNames.Count - 1 ?? 0;
        if (paintingCount == 0) throw new NeuralStyleException("choose at least one painting (upload one or pick an example)");

        var request = new JobRequest
        {
            Preset = Text(form, "preset") ?? "gatys",
            Model = Text(form, "model") ?? "auto",
            Size = Number<int>(form, "size", NumberStyles.Integer) ?? 512,
            Strength = Number<double>(form, "strength", NumberStyles.Float) ?? 1,
            Iterations = Number<int>(form, "iterations", NumberStyles.Integer),
            PreserveColor = Text(form, "preserveColor") ?? "none",
            StyleBlend = Text(form, "styleBlend") is { } blend ? ParseBlend(blend) : null,
            Seed = Number<long>(form, "seed", NumberStyles.Integer) ?? 0,
        };
        if (!ServerModels.Offered.Contains(request.Model) && JobRequest.Models.Contains(request.Model))
            throw new NeuralStyleException($"the model '{request.Model}' is not installed on this server (choose {string.Join(", ", ServerModels.Offered)})");
        request.Resolve(paintingCount, limits); // the same checks a worker makes, now, while the user is here

        // Then the images: examples by name, uploads by their headers (sizes claimed, not yet decoded).
        var images = new List<(string Name, byte[] Bytes)>();
        var uploads = new List<(string Name, byte[] Bytes)>();
        long pixels = 0;
        (string, byte[]) Upload(IFormFile file)
        {
            var upload = ReadUpload(file);
            pixels += UploadCheck.Inspect(upload.Bytes, upload.Name, limits).Pixels;
            if (pixels > limits.MaxRequestPixels)
                throw new NeuralStyleException($"the images of one job may have at most {limits.MaxRequestPixels / 1e6:0.#} megapixels together (this server's limit)");
            uploads.Add(upload);
            return upload;
        }

        if (photoFile is not null) images.Add(Upload(photoFile));
        else if (photoExampleImage is { } example) images.Add(example);
        else images.Add(ReusedInput(reused!, 0, store));
        var paintings = paintingFiles.Select(Upload).Concat(paintingExampleImages).ToList();
        if (paintings.Count == 0) paintings.AddRange(Enumerable.Range(1, paintingCount).Select(i => ReusedInput(reused!, i, store)));
        images.AddRange(paintings);

        var job = new JobRecord
        {
            Id = JobId.New(),
            Owner = owner,
            Address = address,
            Request = request,
            InputNames = images.Select(i => i.Name).ToList(),
        };
        return new Submission(job, Blobs.OfInputs(images.Select(i => i.Bytes).ToList()), uploads, pixels);
    }

    private static (string Name, byte[] Bytes) ReadUpload(IFormFile file)
    {
        var name = DisplayName.Of(file.FileName);
        using var stream = file.OpenReadStream();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return (name, copy.ToArray());
    }

    private static (string, byte[]) Example(string name, string kind)
    {
        var example = Examples.Find(name) is { } e && e.Kind == kind ? e : throw new NeuralStyleException($"there is no example {kind} '{Shown(name)}'");
        return (example.File, Examples.Bytes(example));
    }

    /// <summary>The earlier job whose images are to be used again, when it is the caller's (its images are read later,
    /// once the settings have passed).</summary>
    private static JobRecord ReusedJob(string id, string owner, IJobStore store) =>
        JobId.IsWellFormed(id) && store.Get(id) is { } job && job.Owner == owner
            ? job
            : throw new NeuralStyleException("the earlier job to take the images from is not in your gallery");

    private static (string Name, byte[] Bytes) ReusedInput(JobRecord job, int index, IJobStore store) =>
        (job.InputNames[index], store.GetBlob(job.Id, Blobs.Input(index))
            ?? throw new NeuralStyleException("the earlier job's images are gone (it was deleted); choose the images again"));

    private static IReadOnlyList<double> ParseBlend(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var weights = new List<double>();
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) || !(w >= 0) || !double.IsFinite(w))
                throw new NeuralStyleException($"style blend '{Shown(text)}' must be weights ≥ 0 separated by commas, e.g. 0.7,0.3");
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

    /// <summary>A number in the invariant culture and nothing else: no thousands separators, so "1,5" is refused rather
    /// than read as 15 (a decimal comma typed as in much of Europe).</summary>
    private static T? Number<T>(IFormCollection form, string key, NumberStyles style) where T : struct, INumberBase<T>
    {
        if (Text(form, key) is not { } text) return null;
        if (T.TryParse(text, style, CultureInfo.InvariantCulture, out var value)) return value;
        var hint = text.Contains(',') ? " (use a point for decimals, e.g. 1.5)" : "";
        throw new NeuralStyleException($"{key} '{Shown(text)}' is not a number{hint}");
    }

    /// <summary>What a message may quote of a value the client sent: a few words, not whatever it posted.</summary>
    internal static string Shown(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
