using System.Diagnostics;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// SQLite: a new file in the temp directory, deleted afterwards. The baseline uses the pragmas of the service's ingestion
/// connection (WAL, the same <c>synchronous</c> level, the same page cache) and one prepared INSERT reused for every row,
/// once with a transaction per chunk and once with one transaction for everything; the faster counts.
/// </summary>
internal sealed class SqliteBenchmarkDatabase : BenchmarkDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"customerhealth-bench-{Guid.NewGuid():N}.db");
    private readonly string _synchronous;
    private readonly string _connectionString;

    public SqliteBenchmarkDatabase(string synchronous)
    {
        _synchronous = synchronous;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = _path }.ToString();
    }

    public override string Name => "SQLite";

    public override IReadOnlyDictionary<string, string?> ServerSettings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:CustomerHealth"] = _connectionString,
        ["Database:MigrateOnStartup"] = "true",
        ["Database:SqliteSynchronous"] = _synchronous,
    };

    public override async Task<string> DescribeAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return $"SQLite {await ScalarAsync(connection, "SELECT sqlite_version()", ct)}, journal_mode={await ScalarAsync(connection, "PRAGMA journal_mode", ct)}, synchronous={_synchronous}";
    }

    public override async Task<StoredCounts> CountStoredAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await CountStoredAsync(connection, ct);
    }

    public override async Task<BaselineResult> InsertBaselineAsync(IReadOnlyList<EventRow> rows, int chunkSize, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var chunked = Measure(connection, rows, chunkSize);
        var single = Measure(connection, rows, rows.Count);
        var notes = new[]
        {
            $"one transaction per {chunkSize:N0} rows: {rows.Count / chunked.TotalSeconds:N0} rows/s",
            $"one transaction for all rows: {rows.Count / single.TotalSeconds:N0} rows/s",
        };
        return chunked <= single
            ? new BaselineResult($"prepared INSERT, one transaction per {chunkSize:N0} rows, WAL, synchronous={_synchronous}", rows.Count, chunked, notes)
            : new BaselineResult($"prepared INSERT, one transaction, WAL, synchronous={_synchronous}", rows.Count, single, notes);
    }

    /// <summary>Inserts every row into a fresh baseline table, committing every <paramref name="chunkSize"/> rows; the time excludes the DDL.</summary>
    private static TimeSpan Measure(SqliteConnection connection, IReadOnlyList<EventRow> rows, int chunkSize)
    {
        Execute(connection, $"""
            DROP TABLE IF EXISTS {BaselineTable};
            CREATE TABLE {BaselineTable} (
                source TEXT NOT NULL,
                event_id TEXT NOT NULL,
                account_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                event_name TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                day TEXT NOT NULL,
                quantity REAL NULL,
                properties TEXT NULL,
                received_at TEXT NOT NULL,
                CONSTRAINT PK_{BaselineTable} PRIMARY KEY (source, event_id));
            CREATE INDEX ix_{BaselineTable}_account_day_user ON {BaselineTable} (account_id, day, user_id);
            CREATE INDEX ix_{BaselineTable}_day ON {BaselineTable} (day);
            """);

        using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {BaselineTable} ({Columns}) VALUES ($source, $event_id, $account_id, $user_id, $event_name, $occurred_at, $day, $quantity, $properties, $received_at)";
        var p = new[] { "$source", "$event_id", "$account_id", "$user_id", "$event_name", "$occurred_at", "$day", "$quantity", "$properties", "$received_at" }
            .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name }))
            .ToArray();

        var clock = Stopwatch.StartNew();
        for (var start = 0; start < rows.Count; start += chunkSize)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var i = start; i < Math.Min(start + chunkSize, rows.Count); i++)
            {
                var r = rows[i];
                (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value) = (r.Source, r.EventId, r.AccountId, r.UserId, r.EventName);
                (p[5].Value, p[6].Value, p[7].Value, p[8].Value, p[9].Value) =
                    (r.OccurredAt, r.Day, r.Quantity is { } q ? q : DBNull.Value, (object?)r.PropertiesJson ?? DBNull.Value, r.ReceivedAt);
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        return clock.Elapsed;
    }

    /// <summary>A connection with the pragmas of the service's ingestion connection (see SqlitePragmas and EventIngestionQueue).</summary>
    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={_synchronous}; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; " +
            $"PRAGMA cache_size=-{new DatabaseOptions().SqliteIngestCacheMiB * 1024};");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
        return ValueTask.CompletedTask;
    }
}
