using System.Data.Common;
using System.Threading.Channels;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health.Sqlite;

/// <summary>
/// SQLite: the recompute's batches are stored on one connection, kept open for the pass, whose own checkpoint
/// threshold is raised so that a commit no longer copies the write-ahead log into the database file; a checkpointer
/// on a connection of its own does that after each commit instead, as ingestion's does (<see
/// cref="Engagement.Sqlite.SqliteIngestionConnection"/>, docs/adr/0008-group-commit-across-callers.md). Durability is
/// unchanged: each commit is still synced to the log under the configured <c>synchronous</c> level before the batch
/// counts as stored. The connection also skips SQLite's foreign-key probe of <c>accounts</c> for every row it writes
/// (scores, snapshots, feeds, plays): each batch's transaction begins IMMEDIATE, so it holds the one write lock, and
/// it keeps only the accounts it found inside that transaction (<see cref="HealthRecomputer"/>), which no other
/// connection can delete before the commit; the store deletes nothing that would cascade. It gets a page cache as
/// large as ingestion's writer's, so that the indexes the pass inserts into at random places (the scores' by band,
/// score, renewal, ARR and trend; the webhook events' ids) stay in memory from one batch to the next instead of being
/// read back from the file. When the pass ends, the connection gets its threshold, its foreign-key checks and its
/// cache size back before it returns to the pool.
/// </summary>
internal sealed class SqliteRecomputePass : RecomputePass
{
    /// <summary>
    /// The storing connection's checkpoint threshold during the pass, in pages of log: a safety net only, so that the
    /// log cannot grow without bound if the checkpointer falls behind.
    /// </summary>
    private const int StoreAutoCheckpointPages = 65_536;

    /// <summary>The storing connection's page cache during the pass, in KiB (the default of ingestion's
    /// writer, <see cref="DatabaseOptions.SqliteIngestCacheMiB"/>).</summary>
    private const int StoreCacheKiB = 64 * 1024;

    /// <summary>Signals the checkpointer that a batch was committed; holds at most one signal.</summary>
    private readonly Channel<bool> _committed = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly CustomerHealthDbContext _db;
    private readonly long _threshold;
    private readonly long _foreignKeys;
    private readonly long _cacheSize;
    private readonly Task _checkpointer;

    private SqliteRecomputePass(CustomerHealthDbContext db, long threshold, long foreignKeys, long cacheSize)
    {
        _db = db;
        _threshold = threshold;
        _foreignKeys = foreignKeys;
        _cacheSize = cacheSize;
        _checkpointer = Task.Run(() => CheckpointLoopAsync(db.Database.GetDbConnection().ConnectionString));
    }

    /// <summary>Opens <paramref name="db"/>'s connection for the pass and starts the checkpointer.</summary>
    public static async Task<RecomputePass> StartAsync(CustomerHealthDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            var threshold = await PragmaAsync(connection, "PRAGMA wal_autocheckpoint;", ct);
            var foreignKeys = await PragmaAsync(connection, "PRAGMA foreign_keys;", ct);
            var cacheSize = await PragmaAsync(connection, "PRAGMA cache_size;", ct);
            await PragmaAsync(connection, $"PRAGMA wal_autocheckpoint={StoreAutoCheckpointPages};"
                + $" PRAGMA foreign_keys=OFF; PRAGMA cache_size=-{StoreCacheKiB};", ct);
            return new SqliteRecomputePass(db, threshold, foreignKeys, cacheSize);
        }
        catch
        {
            SqliteConnection.ClearPool((SqliteConnection)db.Database.GetDbConnection());
            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    /// <summary>
    /// Four of the benchmark's batches of 500 per commit: a commit's cost is mostly the pages it writes to the log and
    /// syncs, and the pages of the random-place indexes (the scores' by band, score, renewal, ARR and trend) are
    /// written once per commit however many rows changed them. The pass is restartable: no batch is acknowledged
    /// before the whole recompute is, and a recompute that fails leaves what it committed, which a new one rewrites.
    /// A commit still syncs before the batches in it count as stored; what grows is how long the write lock is held.
    /// </summary>
    public override int AccountsPerCommit => 2_000;

    public override void Committed() => _committed.Writer.TryWrite(true);

    public override async ValueTask DisposeAsync()
    {
        _committed.Writer.TryComplete();
        await _checkpointer;
        var connection = _db.Database.GetDbConnection();
        if (!await RestoredAsync(connection)) SqliteConnection.ClearPool((SqliteConnection)connection);
        await _db.Database.CloseConnectionAsync();
        await base.DisposeAsync();
    }

    /// <summary>
    /// Gives the connection its threshold, foreign-key checks and cache size back; false when they could not be (a
    /// failed pass may leave a transaction open, where the pragma does nothing, or the connection unusable): then the
    /// connection must not go back to the pool, where the next user would get it without foreign-key checks.
    /// </summary>
    private async Task<bool> RestoredAsync(DbConnection connection)
    {
        try
        {
            await PragmaAsync(connection, $"PRAGMA wal_autocheckpoint={_threshold};"
                + $" PRAGMA foreign_keys={_foreignKeys}; PRAGMA cache_size={_cacheSize};", CancellationToken.None);
            return await PragmaAsync(connection, "PRAGMA foreign_keys;", CancellationToken.None) == _foreignKeys;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>
    /// PASSIVE checkpoints after commits: they never wait for or block the storing connection or the readers; what one
    /// cannot copy now (pages a reader's snapshot still needs) is copied after a later commit. Commits that come while
    /// one runs are answered by the next.
    /// </summary>
    private async Task CheckpointLoopAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        await foreach (var _ in _committed.Reader.ReadAllAsync())
        {
            try
            {
                if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync();
                await PragmaAsync(connection, "PRAGMA wal_checkpoint(PASSIVE);", CancellationToken.None);
            }
            catch (SqliteException)
            {
                // The storing connection still checkpoints by itself past its threshold: nothing is lost by skipping
                // one.
                await connection.CloseAsync();
            }
        }
    }

    private static async Task<long> PragmaAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct) is long value ? value : 0;
    }
}
