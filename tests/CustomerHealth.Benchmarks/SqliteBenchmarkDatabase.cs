using System.Diagnostics;
using System.Globalization;
using System.Text;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// SQLite: a new file in the temp directory, deleted afterwards. The baseline uses the pragmas of the service's
/// ingestion connection (WAL, the same <c>synchronous</c> level, the same page cache) and one prepared INSERT reused
/// for every row: through Microsoft.Data.Sqlite with a transaction per chunk and with one transaction for everything,
/// and through SQLite's own API in one transaction; the report judges against the fastest by its median over the
/// rounds.
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
        return $"SQLite {await ScalarAsync(connection, "SELECT sqlite_version()", ct)}, " +
            $"journal_mode={await ScalarAsync(connection, "PRAGMA journal_mode", ct)}, synchronous={_synchronous}";
    }

    public override async Task<StoredCounts> CountStoredAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await CountStoredAsync(connection, ct);
    }

    public override async Task<BaselineResult> InsertBaselineAsync(
        IReadOnlyList<EventRow> rows, int chunkSize, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        BaselineMethod[] methods =
        [
            new($"prepared SqliteCommand, one transaction per {chunkSize:N0} rows",
                Measure(connection, rows, chunkSize)),
            new("prepared SqliteCommand, one transaction", Measure(connection, rows, rows.Count)),
            new("prepared statement through SQLite's C API (bound by position), one transaction",
                MeasureNative(connection, rows, utf8: false)),
            new("the same, text bound as UTF-8", MeasureNative(connection, rows, utf8: true)),
        ];
        return new BaselineResult(methods, rows.Count, $"WAL, synchronous={_synchronous}");
    }

    /// <summary>
    /// The same rows through SQLite's own API (SQLitePCLRaw, which Microsoft.Data.Sqlite wraps): one statement prepared
    /// once, parameters bound by position, stepped and reset per row, in one transaction. Values in the text forms
    /// Microsoft.Data.Sqlite writes; text bound as UTF-16 (as Microsoft.Data.Sqlite binds it, which SQLite converts to
    /// the database's UTF-8 per value) or, with <paramref name="utf8"/>, encoded to UTF-8 first.
    /// </summary>
    private static TimeSpan MeasureNative(SqliteConnection connection, IReadOnlyList<EventRow> rows, bool utf8)
    {
        CreateBaselineTable(connection);
        var db = connection.Handle!;
        Check(
            raw.sqlite3_prepare_v2(
                db, $"INSERT INTO {BaselineTable} ({Columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                out var insert), db);
        using (insert)
        {
            var bytes = new byte[256];
            void Text(int index, ReadOnlySpan<char> value)
            {
                if (!utf8)
                {
                    Check(raw.sqlite3_bind_text16(insert, index, value), db);
                    return;
                }
                if (Encoding.UTF8.GetMaxByteCount(value.Length) > bytes.Length)
                    bytes = new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
                var n = Encoding.UTF8.GetBytes(value, bytes);
                Check(raw.sqlite3_bind_text(insert, index, bytes.AsSpan(0, n)), db);
            }
            Span<char> text = stackalloc char[32];
            var clock = Stopwatch.StartNew();
            Execute(connection, "BEGIN");
            foreach (var r in rows)
            {
                Text(1, r.Source);
                Text(2, r.EventId);
                Text(3, r.AccountId);
                Text(4, r.UserId);
                Text(5, r.EventName);
                r.OccurredAt.TryFormat(
                    text, out var n, @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture);
                Text(6, text[..n]);
                r.Day.TryFormat(text, out n, @"yyyy\-MM\-dd", CultureInfo.InvariantCulture);
                Text(7, text[..n]);
                Check(
                    r.Quantity is { } q ? raw.sqlite3_bind_double(insert, 8, q) : raw.sqlite3_bind_null(insert, 8), db);
                if (r.PropertiesJson is { } json) Text(9, json);
                else Check(raw.sqlite3_bind_null(insert, 9), db);
                r.ReceivedAt.TryFormat(text, out n, @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture);
                Text(10, text[..n]);
                if (raw.sqlite3_step(insert) != raw.SQLITE_DONE) throw new InvalidOperationException(
                    raw.sqlite3_errmsg(db).utf8_to_string());
                raw.sqlite3_reset(insert);
            }
            Execute(connection, "COMMIT");
            return clock.Elapsed;
        }
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
    }

    /// <summary>
    /// Inserts every row into a fresh baseline table, committing every <paramref name="chunkSize"/> rows; the time
    /// excludes the DDL.
    /// </summary>
    private static TimeSpan Measure(SqliteConnection connection, IReadOnlyList<EventRow> rows, int chunkSize)
    {
        CreateBaselineTable(connection);
        using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {BaselineTable} ({Columns}) VALUES ($source, $event_id, $account_id, " +
            $"$user_id, $event_name, $occurred_at, $day, $quantity, $properties, $received_at)";
        var p = new[] { "$source", "$event_id", "$account_id", "$user_id", "$event_name", "$occurred_at", "$day",
            "$quantity", "$properties", "$received_at" }
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
                (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value) = (r.Source, r.EventId, r.AccountId,
                    r.UserId, r.EventName);
                (p[5].Value, p[6].Value, p[7].Value, p[8].Value, p[9].Value) =
                    (r.OccurredAt, r.Day, r.Quantity is { } q ? q : DBNull.Value, (object?)r.PropertiesJson
                        ?? DBNull.Value, r.ReceivedAt);
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        return clock.Elapsed;
    }

    private static void CreateBaselineTable(SqliteConnection connection) => Execute(connection, $"""
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

    /// <summary>
    /// A connection with the pragmas of the service's ingestion connection (see SqlitePragmas and EventIngestionQueue).
    /// </summary>
    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        Execute(
            connection,
            $"PRAGMA journal_mode=WAL; PRAGMA synchronous={_synchronous}; PRAGMA busy_timeout=10000; PRAGMA " +
            $"foreign_keys=ON; " +
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
