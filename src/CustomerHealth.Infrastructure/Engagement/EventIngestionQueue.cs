using System.Data.Common;
using System.Threading.Channels;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// Group commit for usage events. Every caller (each stream, each unary call) hands its batches to this queue and awaits
/// their outcomes; a writer takes all the batches waiting, up to <see cref="MaxEventsPerCommit"/> events, stores them in
/// one transaction (<see cref="EventIngestor"/>: each batch whole or absent, in arrival order), and only then completes
/// each batch's task, so an answered batch is durable. The commit, and on SQLite the page writes, are paid once per group
/// instead of once per batch and per caller.
/// </summary>
/// <remarks>
/// SQLite has one writer at a time, so it gets one writer here, on a connection of its own that keeps a large page cache
/// (<see cref="DatabaseOptions.SqliteIngestCacheMiB"/>) across transactions. Server databases get
/// <see cref="ServerDatabaseWriters"/> writers on pooled connections.
/// </remarks>
public sealed class EventIngestionQueue : IAsyncDisposable
{
    /// <summary>At most this many events go into one transaction (whole batches only; a single batch may hold up to 5,000).</summary>
    public const int MaxEventsPerCommit = 20_000;

    /// <summary>Concurrent writers on PostgreSQL and SQL Server, each with its own transaction.</summary>
    public const int ServerDatabaseWriters = 2;

    private readonly IServiceScopeFactory _scopes;
    private readonly EventRules _rules;
    private readonly TimeProvider _clock;
    private readonly DatabaseOptions _options;
    private readonly string _connectionString;
    private readonly Channel<Pending> _queue;
    private readonly Task[] _writers;
    private SqliteConnection? _sqliteConnection;

    public EventIngestionQueue(IServiceScopeFactory scopes, EventRules rules, TimeProvider clock, DatabaseOptions options, string connectionString)
    {
        _scopes = scopes;
        _rules = rules;
        _clock = clock;
        _options = options;
        _connectionString = connectionString;
        var writers = options.Provider == DatabaseProvider.Sqlite ? 1 : ServerDatabaseWriters;
        _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = writers == 1 });
        _writers = Enumerable.Range(0, writers).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
    }

    /// <summary>
    /// Queues one batch and completes with its outcome once it is committed. A malformed batch (source, size) throws at
    /// once; a batch whose <paramref name="ct"/> is cancelled before its group is written is dropped (nothing stored).
    /// The per-event rules run here, on the caller's thread, so that the writer only writes.
    /// </summary>
    public Task<EventBatchOutcome> IngestAsync(EventBatch batch, CancellationToken ct)
    {
        var checkedBatch = EventIngestor.Check(batch, _rules, _clock.GetUtcNow().UtcDateTime);
        var pending = new Pending(checkedBatch, new TaskCompletionSource<EventBatchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), ct);
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(EventIngestionQueue), "The service is shutting down.");
        return pending.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<Pending>();
        Pending? carried = null;
        while (carried is not null || await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            var events = 0;
            if (carried is not null)
            {
                group.Add(carried);
                events = carried.Batch.EventCount;
                carried = null;
            }
            while (_queue.Reader.TryRead(out var next))
            {
                if (next.Ct.IsCancellationRequested)
                {
                    next.Done.TrySetCanceled(next.Ct);
                }
                else if (group.Count > 0 && events + next.Batch.EventCount > MaxEventsPerCommit)
                {
                    carried = next;
                    break;
                }
                else
                {
                    group.Add(next);
                    events += next.Batch.EventCount;
                }
            }
            if (group.Count > 0) await WriteAsync(group);
        }
    }

    private async Task WriteAsync(IReadOnlyList<Pending> group)
    {
        try
        {
            var outcomes = await StoreAsync(group.Select(p => p.Batch).ToArray());
            for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(outcomes[i]);
        }
        catch (Exception) when (group.Count > 1)
        {
            // Nothing of the group was stored. One batch's failure must not fail the others: each goes again on its own.
            foreach (var pending in group) await WriteAsync([pending]);
        }
        catch (Exception ex)
        {
            group[0].Done.TrySetException(ex);
        }
    }

    private async Task<IReadOnlyList<EventBatchOutcome>> StoreAsync(IReadOnlyList<CheckedBatch> batches)
    {
        await using var scope = _scopes.CreateAsyncScope();
        if (_options.Provider == DatabaseProvider.Sqlite)
        {
            var db = scope.ServiceProvider.GetRequiredService<CustomerHealthDbContext>();
            db.Database.SetDbConnection(await SqliteConnectionAsync(), contextOwnsConnection: false);
        }
        try
        {
            return await scope.ServiceProvider.GetRequiredService<EventIngestor>().IngestAsync(batches, CancellationToken.None);
        }
        catch (DbException) when (_sqliteConnection is not null)
        {
            // Start over on a fresh connection rather than trust one that failed in the middle of a write.
            await _sqliteConnection.DisposeAsync();
            _sqliteConnection = null;
            throw;
        }
    }

    /// <summary>The SQLite writer's own connection: the service's pragmas, plus a page cache that outlives each transaction.</summary>
    private async Task<DbConnection> SqliteConnectionAsync()
    {
        if (_sqliteConnection is not null) return _sqliteConnection;
        // Not pooled: the large cache belongs to this connection only, and goes when it closes.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = SqlitePragmas.Sql(_options) + $" PRAGMA cache_size=-{_options.SqliteIngestCacheMiB * 1024};";
        await command.ExecuteNonQueryAsync();
        return _sqliteConnection = connection;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
        if (_sqliteConnection is not null) await _sqliteConnection.DisposeAsync();
    }

    private sealed record Pending(CheckedBatch Batch, TaskCompletionSource<EventBatchOutcome> Done, CancellationToken Ct);
}
