using System.Collections.Concurrent;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// The hot reads of stored scores, without a DbContext: <c>GetHealthScore</c> on a read-cache miss, the stored scores
/// of a <c>BatchGetHealthScores</c> and the pages of <c>ListHealthScores</c>. Each is one prepared statement on a
/// connection kept open: the stored score rows (the rows the recompute writes whole, keyed by account) with the
/// override in force joined in, and for a list page the account's summary too (ADR 0067, ADR 0077). A single read's
/// answer is exactly <see cref="HealthStore.GetAsync"/>'s for an account that has a stored score; null sends the caller
/// to that method (no stored score yet: computed on the spot, or NOT_FOUND); a batch's ids without a stored score go to
/// <see cref="HealthStore.BatchGetAsync"/> likewise.
/// <para>
/// Why: on a miss the DbContext path cost about 430 µs of CPU on SQLite, most of it EF Core's SQLite provider
/// registering its SQL functions on every connection object it creates (see docs/benchmarks/health-reads.md and ADR
/// 0067). Here each kept connection is opened once, with the service's pragmas and no functions, and each statement
/// prepared once per connection (<see cref="HotReadConnection"/>). PostgreSQL keeps its prepared statements and skips
/// the pool's reset on return.
/// </para>
/// <para>
/// Connections are lent one read at a time, at most <see cref="MaxConnections"/> of them; on PostgreSQL single reads
/// that find them all lent queue up and are served together, one statement for all the queued accounts (ADR 0082).
/// A connection whose statement failed is closed, never lent again, and a read on one that a database outage broke is
/// retried once on a fresh one.
/// SQL Server and in-memory SQLite databases are not served here (<see cref="Enabled"/> is false).
/// </para>
/// </summary>
public sealed class HealthScoreReader : IDisposable
{
    /// <summary>
    /// The most connections kept (and reads at once): a read holds one for a few tens of microseconds, so a few per
    /// core keep the cores busy; more callers wait for one rather than open, prepare and close extra connections.
    /// </summary>
    public static int MaxConnections { get; } = Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>The most waiting single reads served by one statement (a batch's size).</summary>
    public const int MaxCoalesced = 100;

    /// <summary>
    /// How much of a SQLite file a kept connection reads through memory mapping rather than <c>read()</c> calls into
    /// its own small page cache: a batch of random accounts touches pages all over the scores' table, and each page
    /// copied in by a system call cost more than the row's own decoding (docs/benchmarks/health-reads.md, run 5).
    /// Address space only; the pages are the operating system's page cache, shared by every connection.
    /// </summary>
    public const long SqliteMappedBytes = 1L << 30;

    private readonly DatabaseOptions _options;
    private readonly string _connectionString;
    private readonly ConcurrentBag<HotReadConnection> _idle = [];
    private readonly SemaphoreSlim _lendable = new(MaxConnections, MaxConnections);
    private readonly ConcurrentQueue<WaitingRead> _waiting = new();
    private bool _disposed;

    public HealthScoreReader(DatabaseOptions options, string connectionString)
    {
        _options = options;
        _connectionString = connectionString;
        Enabled = options.Provider switch
        {
            DatabaseProvider.PostgreSql => true,
            DatabaseProvider.Sqlite => !IsInMemory(connectionString),
            _ => false,
        };
    }

    /// <summary>Whether this engine's reads are served here; otherwise callers use <see cref="HealthStore"/>.</summary>
    public bool Enabled { get; }

    /// <summary>
    /// The stored score of <paramref name="accountId"/> with the override in force at <paramref name="now"/>, or null
    /// when the account has no stored score (or does not exist).
    /// </summary>
    /// <remarks>
    /// When every kept connection is lent, the read waits in a queue, and the next connection to come back reads all
    /// the waiting accounts at once with the batch's statement (<see cref="ServeWaitingAsync"/>): under load a round
    /// trip serves many reads instead of one. A read that finds a connection free and nobody waiting goes alone.
    /// </remarks>
    public async Task<HealthScoreRow?> TryGetAsync(string accountId, DateTimeOffset now, CancellationToken ct)
    {
        if (!Enabled) throw new InvalidOperationException("The hot read is not served on this database.");
        if (_options.Provider == DatabaseProvider.Sqlite)
        {
            // In-process and synchronous: a connection comes back within microseconds, and waiting reads served
            // together cost more per read than on their own (docs/benchmarks/health-reads.md, 2026-12-07).
            var own = await LendAsync(c => c.QueryAsync(HotReadSql.One,
                [new("@now", c.Dialect.Instant(now.UtcDateTime)), new("@id", accountId)], HotReadRows.Score, ct), ct);
            return own.Count > 0 ? own[0] : null;
        }
        if (_waiting.IsEmpty && _lendable.Wait(0))
        {
            List<HealthScoreRow> rows;
            try
            {
                rows = await ReadAsync(c => c.QueryAsync(HotReadSql.One,
                    [new("@now", c.Dialect.Instant(now.UtcDateTime)), new("@id", accountId)], HotReadRows.Score, ct));
            }
            finally
            {
                Release();
            }
            return rows.Count > 0 ? rows[0] : null;
        }
        var waiting = new WaitingRead(accountId, now);
        _waiting.Enqueue(waiting);
        _ = ServeWaitingAsync();
        return await waiting.Task.WaitAsync(ct);
    }

    /// <summary>
    /// The stored scores among <paramref name="accountIds"/> (each with the override in force at <paramref
    /// name="now"/>), by account id, in one statement; an id without a stored score is not in the answer.
    /// </summary>
    public async Task<Dictionary<string, HealthScoreRow>> GetManyAsync(
        IReadOnlyCollection<string> accountIds, DateTimeOffset now, CancellationToken ct)
    {
        var rows = await LendAsync(c => c.QueryAsync(HotReadSql.Many(c.Dialect),
            [new("@now", c.Dialect.Instant(now.UtcDateTime)), new("@ids", c.Dialect.Ids(accountIds))],
            HotReadRows.Score, ct), ct);
        var byId = new Dictionary<string, HealthScoreRow>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows) byId[row.AccountId] = row;
        return byId;
    }

    /// <summary>
    /// A page of stored scores as <see cref="HealthStore.ListAsync"/> reads it (same filters, order and cursor), each
    /// with its account's summary, on one kept connection; <paramref name="today"/> is the renewal filter's first day.
    /// </summary>
    public async Task<Page<(HealthScoreRow Score, AccountSummaryRow? Account)>> ListAsync(
        HealthListQuery query, DateTimeOffset now, DateOnly today, CancellationToken ct)
    {
        var take = query.PageSize + 1; // one more: whether there is a next page
        var rows = await LendAsync(async c =>
        {
            var (statements, parameters) = HotReadSql.Page(c.Dialect, query, now.UtcDateTime, today);
            var page = new List<(HealthScoreRow, AccountSummaryRow?)>(take);
            foreach (var sql in statements)
            {
                if (page.Count == take) break;
                page.AddRange(await c.QueryAsync(sql, [.. parameters, new("@take", take - page.Count)], r =>
                {
                    var score = HotReadRows.Score(r);
                    return (score, HotReadRows.Account(r, score.AccountId));
                }, ct));
            }
            return page;
        }, ct);
        var hasMore = rows.Count > query.PageSize;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        return new Page<(HealthScoreRow, AccountSummaryRow?)>(rows, hasMore);
    }

    /// <summary>Runs <paramref name="read"/> on a kept connection, waiting for one when all are lent.</summary>
    private async Task<T> LendAsync<T>(Func<HotReadConnection, Task<T>> read, CancellationToken ct)
    {
        if (!Enabled) throw new InvalidOperationException("The hot read is not served on this database.");
        await _lendable.WaitAsync(ct);
        try
        {
            return await ReadAsync(read);
        }
        finally
        {
            Release();
        }
    }

    /// <summary>A connection back to lend; single reads that queued meanwhile are served on one.</summary>
    private void Release()
    {
        _lendable.Release();
        if (!_waiting.IsEmpty) _ = ServeWaitingAsync();
    }

    /// <summary>
    /// While single reads wait and a connection is free: all of them (up to <see cref="MaxCoalesced"/>) in one
    /// statement. Every lender calls this after giving its connection back, so a read queued while all were lent is
    /// always picked up: it was queued before the last of them came back.
    /// </summary>
    private async Task ServeWaitingAsync()
    {
        while (!_waiting.IsEmpty && _lendable.Wait(0))
        {
            var reads = new List<WaitingRead>();
            while (reads.Count < MaxCoalesced && _waiting.TryDequeue(out var read)) reads.Add(read);
            try
            {
                if (reads.Count > 0) await ServeAsync(reads);
            }
            catch (Exception ex)
            {
                foreach (var read in reads) read.TrySetException(ex);
            }
            finally
            {
                _lendable.Release();
            }
        }
    }

    /// <summary>
    /// The waiting reads' accounts in one statement, as of the latest of their instants (each read's own instant or
    /// later: an override that ended in between is not shown, as if the read had come a moment later).
    /// </summary>
    private async Task ServeAsync(List<WaitingRead> reads)
    {
        var now = reads.Max(r => r.Now).UtcDateTime;
        if (reads.Count == 1)
        {
            var rows = await ReadAsync(c => c.QueryAsync(HotReadSql.One,
                [new("@now", c.Dialect.Instant(now)), new("@id", reads[0].AccountId)], HotReadRows.Score,
                CancellationToken.None));
            reads[0].TrySetResult(rows.Count > 0 ? rows[0] : null);
            return;
        }
        var ids = reads.Select(r => r.AccountId).Distinct(StringComparer.Ordinal).ToArray();
        var found = await ReadAsync(c => c.QueryAsync(HotReadSql.Many(c.Dialect),
            [new("@now", c.Dialect.Instant(now)), new("@ids", c.Dialect.Ids(ids))], HotReadRows.Score,
            CancellationToken.None));
        var byId = found.ToDictionary(row => row.AccountId, StringComparer.Ordinal);
        foreach (var read in reads) read.TrySetResult(byId.GetValueOrDefault(read.AccountId));
    }

    /// <summary>A single read waiting for a connection; its caller's continuation runs on the thread pool, not on the
    /// thread that serves the queue.</summary>
    private sealed class WaitingRead(string accountId, DateTimeOffset now)
        : TaskCompletionSource<HealthScoreRow?>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public string AccountId { get; } = accountId;
        public DateTimeOffset Now { get; } = now;
    }

    private async Task<T> ReadAsync<T>(Func<HotReadConnection, Task<T>> read)
    {
        var reused = _idle.TryTake(out var kept);
        kept ??= Open();
        try
        {
            var result = await read(kept);
            Return(kept);
            return result;
        }
        catch (Exception ex) when (reused && DatabaseOutages.BrokeConnections(ex))
        {
            // A kept connection that an outage broke: the database may be back, so one try on a fresh one.
            kept.Dispose();
            DisposeIdle();
        }
        catch
        {
            kept.Dispose();
            throw;
        }
        var fresh = Open();
        try
        {
            var result = await read(fresh);
            Return(fresh);
            return result;
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
    }

    private HotReadConnection Open() =>
        _options.Provider == DatabaseProvider.Sqlite ? OpenSqlite() : OpenPostgreSql();

    /// <summary>Back for the next read, or closed when the reader is disposed meanwhile.</summary>
    private void Return(HotReadConnection kept)
    {
        _idle.Add(kept);
        if (Volatile.Read(ref _disposed)) DisposeIdle();
    }

    private HotReadConnection OpenSqlite()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = SqlitePragmas.Sql(_options) + $" PRAGMA mmap_size={SqliteMappedBytes};";
                pragmas.ExecuteNonQuery();
            }
            return new HotReadConnection(connection, HotReadDialect.Sqlite);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private HotReadConnection OpenPostgreSql()
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Open();
            return new HotReadConnection(connection, HotReadDialect.PostgreSql);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static bool IsInMemory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:";
    }

    private void DisposeIdle()
    {
        while (_idle.TryTake(out var kept)) kept.Dispose();
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        DisposeIdle();
    }
}
