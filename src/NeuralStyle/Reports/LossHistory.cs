using NeuralStyle.Transfer;

namespace NeuralStyle.Reports;

/// <summary>Collects every step's loss terms (as an <see cref="IProgress{T}"/>) for <see cref="LossPlot"/>.</summary>
public sealed class LossHistory : IProgress<IterationReport>
{
    private readonly List<IterationReport> _reports = new();

    public IReadOnlyList<IterationReport> Reports => _reports;

    public void Report(IterationReport value) => _reports.Add(value);
}
