using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CustomerHealth.Infrastructure.Health.Sqlite;

/// <summary>
/// SQLite: one statement per table and batch, prepared through SQLite's own API (<see cref="SqliteStatement"/>) and
/// stepped once per row with its values bound by position (the engine is in this process, so a row costs a bind and a
/// step, not a round trip; through a <see cref="SqliteCommand"/> each row also bound every parameter by name and made
/// a data reader): <c>INSERT ... ON CONFLICT DO UPDATE</c> for scores and snapshots, a plain insert for the feeds and
/// the outbox, in list order. A new play's id is the connection's last inserted row id after its own insert (the id
/// is the table's row id), with no <c>RETURNING</c> to buffer. Values are bound in the forms Microsoft.Data.Sqlite
/// binds them, so EF Core reads these rows as its own.
/// </summary>
internal sealed class SqliteHealthRowWriter : SetBasedHealthRowWriter
{
    internal override Task<RecomputePass> BeginPassAsync(CustomerHealthDbContext db, CancellationToken ct) =>
        SqliteRecomputePass.StartAsync(db, ct);

    private protected override Task WriteAsync<T>(
        CustomerHealthDbContext db, HealthRowTable<T> table, IReadOnlyList<T> rows, bool upsert, CancellationToken ct)
        => EachRowAsync(db, table, rows, Sql(table, upsert), setKey: null, ct);

    private protected override Task InsertWithKeysAsync<T>(
        CustomerHealthDbContext db, HealthRowTable<T> table, IReadOnlyList<T> rows, CancellationToken ct)
    {
        var key = table.Generated ?? throw new InvalidOperationException($"{table.Table} has no generated key.");
        return EachRowAsync(db, table, rows, Sql(table, upsert: false), key.Set, ct);
    }

    /// <summary>Prepares <paramref name="sql"/> once, then binds each row's columns in order and steps it; when
    /// <paramref name="setKey"/> is given, the row gets the id its insert generated.</summary>
    private static Task EachRowAsync<T>(CustomerHealthDbContext db, HealthRowTable<T> table, IReadOnlyList<T> rows,
        string sql, Action<T, long>? setKey, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var connection = (SqliteConnection)Connection(db).Item1;
        return AsUpdateAsync(() =>
        {
            using var statement = new SqliteStatement(connection, sql);
            foreach (var row in rows)
            {
                for (var c = 0; c < table.Columns.Count; c++)
                    Bind(statement, c + 1, table.Columns[c].ValueOf(row));
                statement.Execute();
                // The statement inserted exactly one row (it would have thrown otherwise), on this connection.
                setKey?.Invoke(row, raw.sqlite3_last_insert_rowid(connection.Handle));
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>Binds a column's engine-side value as Microsoft.Data.Sqlite would: whole numbers and booleans as
    /// integers, instants and days as text in EF Core's formats.</summary>
    private static void Bind(SqliteStatement statement, int index, object? value)
    {
        switch (value)
        {
            case null: statement.BindNullable(index, (string?)null); break;
            case string text: statement.Bind(index, text); break;
            case long number: statement.Bind(index, number); break;
            case int number: statement.Bind(index, number); break;
            case short number: statement.Bind(index, number); break;
            case byte number: statement.Bind(index, number); break;
            case bool flag: statement.Bind(index, flag ? 1L : 0L); break;
            case double number: statement.Bind(index, NotNaN(number)); break;
            case float number: statement.Bind(index, NotNaN(number)); break;
            case DateTime instant: statement.Bind(index, instant); break;
            case DateOnly day: statement.Bind(index, day); break;
            default: throw new NotSupportedException($"A health row's {value.GetType().Name} value cannot be bound.");
        }
    }

    /// <summary>SQLite would store NaN as NULL; Microsoft.Data.Sqlite refuses it, and so does this writer.</summary>
    private static double? NotNaN(double value) => double.IsNaN(value)
        ? throw new InvalidOperationException("Cannot store a NaN value in a health row.")
        : value;

    private static string Sql<T>(HealthRowTable<T> table, bool upsert)
    {
        var sql = $"INSERT INTO {table.Table} ({string.Join(", ", table.Columns.Select(c => c.Name))}) VALUES ("
            + string.Join(", ", table.Columns.Select((_, i) => $"?{i + 1}")) + ")";
        if (!upsert) return sql;
        return sql + $" ON CONFLICT ({string.Join(", ", table.Key)}) DO UPDATE SET "
            + string.Join(", ", table.NonKey.Select(n => $"{n} = excluded.{n}"));
    }
}
