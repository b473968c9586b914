using System.Data.Common;
using System.Threading.Channels;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Engagement.Sqlite;

/// <summary>
/// SQLite has one writer at a time, so ingestion gets one writer, on a connection of its own that keeps a large page
/// cache (<see cref="DatabaseOptions.SqliteIngestCacheMiB"/>) across transactions, and a checkpointer that copies the
/// committed pages from the write-ahead log into the database file after each commit, so that the writer does not do
/// it between two groups.
/// </summary>
internal sealed class SqliteIngestionConnection(DatabaseOptions options, string connectionString)
    : IngestionConnections
{
    /// <summary>
    /// The writer's own checkpoint threshold, in pages of write-ahead log: a safety net only, high enough that the
    /// background checkpointer (<see cref="CheckpointLoopAsync"/>) does the copying, not the writer between two groups.
    /// </summary>
    private const int WriterAutoCheckpointPages = 65_536;

    /// <summary>Signals the checkpointer that a group was committed; holds at most one signal.</summary>
    private readonly Channel<bool> _committed = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private SqliteConnection? _connection;
    private Task _checkpointer = Task.CompletedTask;

    public override int Writers => 1;

    public override void Start() => _checkpointer = Task.Run(CheckpointLoopAsync);

    public override async ValueTask UseForGroupAsync(CustomerHealthDbContext db) =>
        db.Database.SetDbConnection(await ConnectionAsync(), contextOwnsConnection: false);

    public override void Committed() => _committed.Writer.TryWrite(true);

    /// <summary>
    /// Starts over on a fresh connection rather than trust one that failed in the middle of a write.
    /// </summary>
    public override async ValueTask FailedAsync()
    {
        if (_connection is null) return;
        await _connection.DisposeAsync();
        _connection = null;
    }

    public override async ValueTask DisposeAsync()
    {
        _committed.Writer.TryComplete();
        await _checkpointer;
        await FailedAsync();
        await base.DisposeAsync();
    }

    /// <summary>
    /// The service's pragmas, plus a page cache that outlives each transaction, and no foreign-key checks: every row
    /// this connection writes names an account that the group read inside its own transaction (<see
    /// cref="SqliteRollupWriter.LockKnownAccountsAsync"/>), and the transaction begins IMMEDIATE, so no other
    /// connection can delete that account before the commit; SQLite's probe of <c>accounts</c> for each event and
    /// user-day row would only repeat that check. The connection writes nothing else (no deletes that would cascade).
    /// </summary>
    private async Task<DbConnection> ConnectionAsync()
    {
        if (_connection is not null) return _connection;
        // Not pooled: the large cache belongs to this connection only, and goes when it closes.
        var connection = Unpooled();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = SqlitePragmas.Sql(options) +
            $" PRAGMA cache_size=-{options.SqliteIngestCacheMiB * 1024};" +
            $" PRAGMA wal_autocheckpoint={WriterAutoCheckpointPages};" +
            " PRAGMA foreign_keys=OFF;";
        await command.ExecuteNonQueryAsync();
        return _connection = connection;
    }

    /// <summary>
    /// Checkpoints on a connection of its own after each commit (measured: a third of the commit time moves off the
    /// writer; docs/adr/0008-group-commit-across-callers.md). PASSIVE: it never waits for or blocks the writer or
    /// readers; whatever it cannot copy now is copied after the next commit.
    /// </summary>
    private async Task CheckpointLoopAsync()
    {
        await using var connection = Unpooled();
        await foreach (var _ in _committed.Reader.ReadAllAsync())
        {
            try
            {
                if (connection.State != System.Data.ConnectionState.Open)
                {
                    await connection.OpenAsync();
                    await using var pragmas = connection.CreateCommand();
                    pragmas.CommandText = SqlitePragmas.Sql(options);
                    await pragmas.ExecuteNonQueryAsync();
                }
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                await command.ExecuteNonQueryAsync();
            }
            catch (SqliteException)
            {
                // The writer checkpoints by itself when the log grows past its own threshold: nothing is lost by
                // skipping one.
                await connection.CloseAsync();
            }
        }
    }

    private SqliteConnection Unpooled() =>
        new(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
}
