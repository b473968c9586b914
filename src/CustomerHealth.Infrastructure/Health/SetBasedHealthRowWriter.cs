using CustomerHealth.Domain.Plays;
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
        if (current) await WriteAsync(db, _tables.Of<HealthScoreRow>(db.Model), scored, upsert: true, ct);
        await WriteAsync(
            db, _tables.Of<HealthSnapshotRow>(db.Model), scored.Select(SnapshotOf).ToArray(), upsert: true, ct);
    }

    internal override Task AddChangesAsync(
        CustomerHealthDbContext db, IReadOnlyList<HealthChangeRow> entries, CancellationToken ct) =>
        AddRowsAsync(db, entries, ct);

    internal override async Task AddRowsAsync<T>(CustomerHealthDbContext db, IReadOnlyList<T> rows,
        CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await WriteAsync(db, _tables.Of<T>(db.Model), rows, upsert: false, ct);
    }

    internal override async Task AddPlaysAsync(
        CustomerHealthDbContext db, IReadOnlyList<Play> plays, CancellationToken ct)
    {
        if (plays.Count == 0) return;
        await InsertWithKeysAsync(db, _tables.Of<Play>(db.Model), plays, ct);
    }

    /// <summary>Writes <paramref name="rows"/> into <paramref name="table"/> in list order: an upsert on the table's
    /// key when <paramref name="upsert"/>, else plain inserts.</summary>
    private protected abstract Task WriteAsync<T>(
        CustomerHealthDbContext db, HealthRowTable<T> table, IReadOnlyList<T> rows, bool upsert, CancellationToken ct);

    /// <summary>Inserts <paramref name="rows"/> into a table whose key the database generates, in list order, and
    /// sets each row's key to the one it was stored under.</summary>
    private protected abstract Task InsertWithKeysAsync<T>(
        CustomerHealthDbContext db, HealthRowTable<T> table, IReadOnlyList<T> rows, CancellationToken ct);
}
