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
/// counts as stored. When the pass ends, the connection gets its own threshold back before it returns to the pool.
/// </summary>
internal sealed class SqliteRecomputePass : RecomputePass
{
    /// <summary>
    /// The storing connection's checkpoint threshold during the pass, in pages of log: a safety net only, so that the
    /// log cannot grow without bound if the checkpointer falls behind.
    /// </summary>
    private const int StoreAutoCheckpointPages = 65_536;

    /// <summary>Signals the checkpointer that a batch was committed; holds at most one signal.</summary>
    private readonly Channel<bool> _committed = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly CustomerHealthDbContext _db;
    private readonly long _threshold;
    private readonly Task _checkpointer;

    private SqliteRecomputePass(CustomerHealthDbContext db, long threshold)
    {
        _db = db;
        _threshold = threshold;
        _checkpointer = Task.Run(() => CheckpointLoopAsync(db.Database.GetDbConnection().ConnectionString));
    }

    /// <summary>Opens <paramref name="db"/>'s connection for the pass and starts the checkpointer.</summary>
    public static async Task<RecomputePass> StartAsync(CustomerHealthDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var threshold = await PragmaAsync(db.Database.GetDbConnection(), "PRAGMA wal_autocheckpoint;", ct);
            await PragmaAsync(db.Database.GetDbConnection(), $"PRAGMA wal_autocheckpoint={StoreAutoCheckpointPages};",
                ct);
            return new SqliteRecomputePass(db, threshold);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    public override void Committed() => _committed.Writer.TryWrite(true);

    public override async ValueTask DisposeAsync()
    {
        _committed.Writer.TryComplete();
        await _checkpointer;
        try
        {
            await PragmaAsync(
                _db.Database.GetDbConnection(), $"PRAGMA wal_autocheckpoint={_threshold};", CancellationToken.None);
        }
        catch (SqliteException)
        {
            // A pass that failed may leave the connection unusable; it is not to mask that failure. At worst the
            // pooled connection keeps the safety-net threshold, and still checkpoints past it.
        }
        await _db.Database.CloseConnectionAsync();
        await base.DisposeAsync();
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
