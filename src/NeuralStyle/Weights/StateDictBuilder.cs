using System.Collections;
using TorchSharp;

namespace NeuralStyle.Weights;

/// <summary>
/// Turns the unpickled top-level object into a state dict once all storages hold their bytes.
/// </summary>
internal static class StateDictBuilder
{
    /// <summary>
    /// Entries whose value is not a tensor (the odd counter or nested dict) are skipped; a file
    /// with no tensor at its top level is rejected, since it is not a state dict (typically a full
    /// training checkpoint or a whole pickled model).
    /// </summary>
    public static Dictionary<string, torch.Tensor> Build(object? root)
    {
        if (root is not Hashtable table)
            throw new CheckpointFormatException("does not hold a state dict (a dictionary of tensors)");

        var recipes = new List<(string Name, TensorRecipe Recipe)>();
        foreach (DictionaryEntry entry in table)
            if (entry.Key is string name && entry.Value is TensorRecipe recipe)
                recipes.Add((name, recipe));
        if (recipes.Count == 0)
            throw new CheckpointFormatException(
                "holds no tensors at its top level; save the weights with torch.save(model.state_dict(), path)");

        // The rebuild order is the order the tensors were written, i.e. the state dict's order.
        var result = new Dictionary<string, torch.Tensor>(recipes.Count);
        foreach (var (name, recipe) in recipes.OrderBy(r => r.Recipe.Sequence).ThenBy(r => r.Name, StringComparer.Ordinal))
            result[name] = recipe.Materialize();
        return result;
    }
}
