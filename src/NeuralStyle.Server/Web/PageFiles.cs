using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NeuralStyle.Server.Web;

/// <summary>The page (HTML, script, style), embedded in the assembly and served from a fixed list of names.</summary>
public static class PageFiles
{
    private static readonly Dictionary<string, string> Types = new()
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
    };

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Serve("index.html")).ExcludeFromDescription();
        foreach (var name in Types.Keys.Where(n => n != "index.html"))
            app.MapGet($"/{name}", () => Serve(name)).ExcludeFromDescription();
    }

    private static IResult Serve(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"www/{name}")!;
        using var reader = new StreamReader(stream);
        return Results.Text(reader.ReadToEnd(), Types[name]);
    }
}
