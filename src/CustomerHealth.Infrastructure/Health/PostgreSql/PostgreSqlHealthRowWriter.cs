using CustomerHealth.Infrastructure.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace CustomerHealth.Infrastructure.Health.PostgreSql;

/// <summary>
/// PostgreSQL: each table's rows of a batch in one statement over arrays, one array per column (<c>unnest</c>, in
/// list order): <c>INSERT ... ON CONFLICT DO UPDATE</c> for scores and snapshots, a plain insert for the feeds and the
/// outbox. Plays take their ids from the identity's sequence first (one statement), then go in like the others.
/// </summary>
internal sealed class PostgreSqlHealthRowWriter : SetBasedHealthRowWriter
{
    private protected override async Task WriteAsync<T>(
        CustomerHealthDbContext db, HealthRowTable<T> table, IReadOnlyList<T> rows, bool upsert, CancellationToken ct)
    {
        var (connection, transaction) = Connection(db);
        await using var command = new NpgsqlCommand(
            Sql(table, upsert), (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        for (var c = 0; c < table.Columns.Count; c++)
        {
            var column = table.Columns[c];
            var values = Array.CreateInstance(column.ProviderType, rows.Count);
            for (var r = 0; r < rows.Count; r++) values.SetValue(column.ValueOf(rows[r]), r);
            var parameter = new NpgsqlParameter($"c{c}", values);
            // Instants are UTC (the model's converter): timestamptz, as EF writes them.
            var element = Nullable.GetUnderlyingType(column.ProviderType) ?? column.ProviderType;
            if (element == typeof(DateTime)) parameter.NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz;
            command.Parameters.Add(parameter);
        }
        await AsUpdateAsync(() => command.ExecuteNonQueryAsync(ct));
    }

    private protected override async Task InsertWithKeysAsync<T>(
        CustomerHealthDbContext db, HealthRowTable<T> table, IReadOnlyList<T> rows, CancellationToken ct)
    {
        var key = table.Generated ?? throw new InvalidOperationException($"{table.Table} has no generated key.");
        var (connection, transaction) = Connection(db);
        await using (var next = new NpgsqlCommand(
            "SELECT nextval(pg_get_serial_sequence(@table, @column)) FROM generate_series(1, @count) ORDER BY 1",
            (NpgsqlConnection)connection, (NpgsqlTransaction)transaction))
        {
            next.Parameters.AddWithValue("table", table.Table);
            next.Parameters.AddWithValue("column", key.Name);
            next.Parameters.AddWithValue("count", rows.Count);
            await using var reader = await next.ExecuteReaderAsync(ct);
            for (var r = 0; r < rows.Count && await reader.ReadAsync(ct); r++) key.Set(rows[r], reader.GetInt64(0));
        }
        await WriteAsync(db, table.WithGeneratedKey(), rows, upsert: false, ct);
    }

    /// <summary>
    /// <c>INSERT INTO t (columns) SELECT columns FROM unnest(arrays) WITH ORDINALITY ORDER BY ordinality</c>, with
    /// <c>ON CONFLICT (key) DO UPDATE</c> of every other column for an upsert: rows (and identities) go in list order.
    /// </summary>
    private static string Sql<T>(HealthRowTable<T> table, bool upsert)
    {
        var names = string.Join(", ", table.Columns.Select(c => c.Name));
        var arrays = string.Join(", ", table.Columns.Select((_, i) => $"@c{i}"));
        var sql = $"INSERT INTO {table.Table} ({names}) SELECT {names} FROM unnest({arrays}) WITH ORDINALITY "
            + $"AS u({names}, ord) ORDER BY ord";
        if (!upsert) return sql;
        return sql + $" ON CONFLICT ({string.Join(", ", table.Key)}) DO UPDATE SET "
            + string.Join(", ", table.NonKey.Select(n => $"{n} = excluded.{n}"));
    }
}
