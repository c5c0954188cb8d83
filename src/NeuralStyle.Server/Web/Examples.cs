using System.Reflection;

namespace NeuralStyle.Server.Web;

/// <summary>The example photos and paintings that ship inside the server (examples/, see its README for their
/// licences), offered on the page so a first job needs no upload. Looked up by name in a fixed list: no
/// request ever names a file.</summary>
public static class Examples
{
    public sealed record Example(string Name, string Kind, string File, string Title);

    public static readonly IReadOnlyList<Example> All =
    [
        new("chelsea", "photo", "chelsea.png", "Chelsea the cat"),
        new("coffee", "photo", "coffee.png", "A cup of coffee"),
        new("astronaut", "photo", "astronaut.png", "Eileen Collins, astronaut"),
        new("starry_night", "painting", "starry_night.jpg", "Van Gogh, The Starry Night"),
        new("scream", "painting", "scream.jpg", "Munch, The Scream"),
    ];

    public static Example? Find(string name) => All.FirstOrDefault(e => e.Name == name);

    public static byte[] Bytes(Example example)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"examples/{example.File}")
            ?? throw new InvalidOperationException($"the example {example.File} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static string ContentType(Example example) => example.File.EndsWith(".png") ? "image/png" : "image/jpeg";
}
