using System.Data.Common;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Infrastructure.Health.Sqlite;

/// <summary>
/// SQLite: one prepared statement per table and batch, executed once per row with new parameter values (the engine
/// is in this process, so a row costs a bind and a step, not a round trip): <c>INSERT ... ON CONFLICT DO UPDATE</c>
/// for scores and snapshots, a plain insert for the feeds and the outbox, in list order; plays with <c>RETURNING</c>
/// their generated ids.
/// </summary>
internal sealed class SqliteHealthRowWriter : SetBasedHealthRowWriter
{
    internal override Task<RecomputePass> BeginPassAsync(CustomerHealthDbContext db, CancellationToken ct) =>
        SqliteRecomputePass.StartAsync(db, ct);

    private protected override Task WriteAsync<T>(
        CustomerHealthDbContext db, HealthRowTable<T> table, IReadOnlyList<T> rows, bool upsert, CancellationToken ct)
        => EachRowAsync(
            db, table, rows, Sql(table, upsert), async (command, _) => await command.ExecuteNonQueryAsync(ct), ct);

    private protected override Task InsertWithKeysAsync<T>(
        CustomerHealthDbContext db, HealthRowTable<T> table, IReadOnlyList<T> rows, CancellationToken ct)
    {
        var key = table.Generated ?? throw new InvalidOperationException($"{table.Table} has no generated key.");
        return EachRowAsync(db, table, rows, Sql(table, upsert: false) + $" RETURNING {key.Name}",
            async (command, row) => key.Set(row, (long)(await command.ExecuteScalarAsync(ct))!), ct);
    }

    /// <summary>Prepares <paramref name="sql"/> once, then binds each row's columns in order and runs
    /// <paramref name="step"/>.</summary>
    private static async Task EachRowAsync<T>(CustomerHealthDbContext db, HealthRowTable<T> table,
        IReadOnlyList<T> rows, string sql, Func<DbCommand, T, Task> step, CancellationToken ct)
    {
        var (connection, transaction) = Connection(db);
        await using var command = SqlCommands.Create(connection, transaction, sql);
        var parameters = new DbParameter[table.Columns.Count];
        for (var c = 0; c < parameters.Length; c++) parameters[c] = command.Add($"@c{c}", null);
        await AsUpdateAsync(async () =>
        {
            await command.PrepareAsync(ct);
            foreach (var row in rows)
            {
                for (var c = 0; c < parameters.Length; c++)
                    parameters[c].Value = table.Columns[c].ValueOf(row) ?? DBNull.Value;
                await step(command, row);
            }
        });
    }

    private static string Sql<T>(HealthRowTable<T> table, bool upsert)
    {
        var sql = $"INSERT INTO {table.Table} ({string.Join(", ", table.Columns.Select(c => c.Name))}) VALUES ("
            + string.Join(", ", table.Columns.Select((_, i) => $"@c{i}")) + ")";
        if (!upsert) return sql;
        return sql + $" ON CONFLICT ({string.Join(", ", table.Key)}) DO UPDATE SET "
            + string.Join(", ", table.NonKey.Select(n => $"{n} = excluded.{n}"));
    }
}
