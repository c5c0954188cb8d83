using NeuralStyle.Networks;
using NeuralStyle.Server.Jobs;
using NeuralStyle.Models;

namespace NeuralStyle.Server.Web;

/// <summary>The models this server offers: <see cref="JobRequest.Models"/> less the full VGG19 when its weights are not in the
/// model cache here (a job asking for it could only fail, with advice for the command line).</summary>
public static class ServerModels
{
    public static IReadOnlyList<string> Offered =>
        JobRequest.Models.Where(m => m != "vgg19" || ModelCache.FromEnvironment().TryGetCachedPath(ModelSpec.Vgg19.Name) is not null).ToList();
}
