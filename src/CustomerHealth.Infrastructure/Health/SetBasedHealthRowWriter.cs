using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// The engines' set-based writers (docs/adr/0079-set-based-recompute-writes.md): what each step writes, table by
/// table, is the same on every engine; each engine says how a batch of rows reaches one table.
/// </summary>
internal abstract class SetBasedHealthRowWriter : HealthRowWriter
{
    private readonly SetBasedHealthTables _tables = new();

    internal override async Task StoreAsync(
        CustomerHealthDbContext db, IReadOnlyList<HealthScoreRow> scored, bool current, CancellationToken ct)
    {
        if (scored.Count == 0) return;
        var tables = _tables.Of(db.Model);
        if (current) await WriteAsync(db, tables.Scores, scored, upsert: true, ct);
        await WriteAsync(db, tables.Snapshots, scored.Select(SnapshotOf).ToArray(), upsert: true, ct);
    }

    internal override async Task AddChangesAsync(
        CustomerHealthDbContext db, IReadOnlyList<HealthChangeRow> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        await WriteAsync(db, _tables.Of(db.Model).Changes, entries, upsert: false, ct);
    }

    /// <summary>Writes <paramref name="rows"/> into <paramref name="table"/> in list order: an upsert on the table's
    /// key when <paramref name="upsert"/>, else plain inserts.</summary>
    private protected abstract Task WriteAsync<T>(
        CustomerHealthDbContext db, HealthRowTable<T> table, IReadOnlyList<T> rows, bool upsert, CancellationToken ct);
}
