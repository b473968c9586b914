using Microsoft.EntityFrameworkCore.Metadata;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>The three tables a recompute writes, read from the model on first use (the model never changes).</summary>
internal sealed class SetBasedHealthTables
{
    private Tables? _tables;

    public sealed record Tables(
        HealthRowTable<HealthScoreRow> Scores, HealthRowTable<HealthSnapshotRow> Snapshots,
        HealthRowTable<HealthChangeRow> Changes);

    public Tables Of(IModel model) => _tables ??= new Tables(
        HealthRowTable<HealthScoreRow>.Of(model), HealthRowTable<HealthSnapshotRow>.Of(model),
        HealthRowTable<HealthChangeRow>.Of(model));
}
