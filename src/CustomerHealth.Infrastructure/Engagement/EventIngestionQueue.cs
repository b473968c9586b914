using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Telemetry;
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
/// <see cref="ServerDatabaseWriters"/> writers on pooled connections. The writers run from <see cref="Start"/> to
/// <see cref="StopAsync"/>, which the server's hosted service for them calls (registered with the engagement services).
/// </remarks>
public sealed class EventIngestionQueue : IAsyncDisposable
{
    /// <summary>
    /// At most this many events go into one transaction (whole batches only; a single batch may hold up to 5,000). A group
    /// is only this large when the writer is behind (it takes what is waiting), and then a larger group costs less per
    /// event: the pages that a group's random keys dirty (the event-id key above all) are written once per commit, so
    /// 100,000 rather than 40,000 halved the bytes written per event on SQLite
    /// (docs/benchmarks/ingestion.md#2026-12-05-sqlite-reaches-50000-events-per-second).
    /// </summary>
    public const int MaxEventsPerCommit = 100_000;

    /// <summary>
    /// At most this many batches wait for a writer; callers beyond wait for room (the streams then stop reading, and
    /// HTTP/2 flow control slows their clients). Bounds the memory that queued events take whatever the number of callers.
    /// </summary>
    public const int MaxQueuedBatches = 256;

    /// <summary>Concurrent writers on PostgreSQL and SQL Server, each with its own transaction.</summary>
    public const int ServerDatabaseWriters = 2;

    /// <summary>
    /// The SQLite writer's own checkpoint threshold, in pages of write-ahead log: a safety net only, high enough that the
    /// background checkpointer (<see cref="CheckpointLoopAsync"/>) does the copying, not the writer between two groups.
    /// </summary>
    private const int SqliteWriterAutoCheckpointPages = 65_536;

    private readonly IServiceScopeFactory _scopes;
    private readonly EventRules _rules;
    private readonly TimeProvider _clock;
    private readonly DatabaseOptions _options;
    private readonly string _connectionString;
    /// <summary>One queue per writer (a lane): all the batches of one caller go through one lane, so they are stored in the order sent.</summary>
    private readonly Channel<Pending>[] _lanes;
    private Task[] _writers = [];
    private int _nextLane = -1;
    private SqliteConnection? _sqliteConnection;
    /// <summary>Signals the SQLite checkpointer that a group was committed; holds at most one signal.</summary>
    private readonly Channel<bool> _committed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Task _checkpointer = Task.CompletedTask;

    private readonly ServiceMetrics? _metrics;

    public EventIngestionQueue(
        IServiceScopeFactory scopes, EventRules rules, TimeProvider clock, DatabaseOptions options,
        string connectionString, ServiceMetrics? metrics = null)
    {
        _metrics = metrics;
        _scopes = scopes;
        _rules = rules;
        _clock = clock;
        _options = options;
        _connectionString = connectionString;
        var writers = options.Provider == DatabaseProvider.Sqlite ? 1 : ServerDatabaseWriters;
        _lanes = Enumerable.Range(0, writers)
            .Select(_ => Channel.CreateBounded<Pending>(new BoundedChannelOptions(MaxQueuedBatches / writers) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))
            .ToArray();
        _metrics?.ObserveIngestionQueue(() => _lanes.Sum(lane => lane.Reader.Count));
    }

    /// <summary>
    /// Starts one write loop per lane, each with its own <see cref="StoredEventLookup"/>, and on SQLite the checkpointer
    /// (by the hosted service that the engagement registration adds). Batches queued before wait for it.
    /// </summary>
    public void Start()
    {
        if (_writers.Length > 0) throw new InvalidOperationException("The writers have already started.");
        _writers = _lanes.Select(lane => Task.Run(() => WriteLoopAsync(lane, new StoredEventLookup()))).ToArray();
        if (_options.Provider == DatabaseProvider.Sqlite) _checkpointer = Task.Run(CheckpointLoopAsync);
    }

    /// <summary>Takes no more batches and waits until the writers have stored those queued (and answered them).</summary>
    public async Task StopAsync()
    {
        foreach (var lane in _lanes) lane.Writer.TryComplete();
        await Task.WhenAll(_writers);
        _committed.Writer.TryComplete();
        await _checkpointer;
    }

    /// <summary>
    /// Copies the SQLite writer's committed pages from the write-ahead log into the database file on a connection of its
    /// own, after each commit, so that the writer does not do it between two groups (measured: a third of the commit time
    /// moves off the writer; docs/adr/0008-group-commit-across-callers.md). PASSIVE: it never waits for or blocks the
    /// writer or readers; whatever it cannot copy now is copied after the next commit.
    /// </summary>
    private async Task CheckpointLoopAsync()
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
        await foreach (var _ in _committed.Reader.ReadAllAsync())
        {
            try
            {
                if (connection.State != System.Data.ConnectionState.Open)
                {
                    await connection.OpenAsync();
                    await using var pragmas = connection.CreateCommand();
                    pragmas.CommandText = SqlitePragmas.Sql(_options);
                    await pragmas.ExecuteNonQueryAsync();
                }
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                await command.ExecuteNonQueryAsync();
            }
            catch (SqliteException)
            {
                // The writer checkpoints by itself when the log grows past its own threshold: nothing is lost by skipping one.
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>
    /// Queues one batch and completes with its outcome once it is committed. A malformed batch (source, size) throws at
    /// once; a batch whose <paramref name="ct"/> is cancelled before its group is written is dropped (nothing stored).
    /// The per-event rules run here, on the caller's thread, so that the writer only writes. Batches given the same
    /// <paramref name="lane"/> (<see cref="NextLane"/>) are stored in the order given: a stream passes one lane for all its
    /// batches, so a later batch never overtakes an earlier one on another writer (and a repeat of an event is the later
    /// batch's duplicate). Without a lane the batch takes the next one.
    /// </summary>
    public Task<EventBatchOutcome> IngestAsync(EventBatch batch, CancellationToken ct, int? lane = null)
    {
        var checkedBatch = EventIngestor.Check(batch, _rules, _clock.GetUtcNow().UtcDateTime);
        var done = new TaskCompletionSource<EventBatchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = new Pending(checkedBatch, done, ct, Activity.Current?.Context ?? default);
        var queue = _lanes[(uint)(lane ?? NextLane()) % (uint)_lanes.Length];
        return queue.Writer.TryWrite(pending) ? pending.Done.Task : EnqueueAsync(queue, pending);
    }

    /// <summary>A lane for a new caller (a stream takes one for its whole life; a unary call one per call).</summary>
    public int NextLane() => Interlocked.Increment(ref _nextLane) & int.MaxValue;

    private static async Task<EventBatchOutcome> EnqueueAsync(Channel<Pending> queue, Pending pending)
    {
        try
        {
            await queue.Writer.WriteAsync(pending, pending.Ct);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(EventIngestionQueue), "The service is shutting down.");
        }
        return await pending.Done.Task;
    }

    private async Task WriteLoopAsync(Channel<Pending> queue, StoredEventLookup lookup)
    {
        var group = new List<Pending>();
        Pending? carried = null;
        while (carried is not null || await queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            var events = 0;
            if (carried is not null)
            {
                group.Add(carried);
                events = carried.Batch.EventCount;
                carried = null;
            }
            while (queue.Reader.TryRead(out var next))
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
            if (group.Count > 0) await WriteAsync(group, lookup);
        }
    }

    private async Task WriteAsync(IReadOnlyList<Pending> group, StoredEventLookup lookup)
    {
        using var activity = ServiceActivities.StartWork("ingestion.commit", group.Select(p => p.Caller));
        activity?.SetTag("customerhealth.batches", group.Count);
        activity?.SetTag("customerhealth.events", group.Sum(p => p.Batch.EventCount));
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcomes = await StoreAsync(group.Select(p => p.Batch).ToArray(), lookup);
            _metrics?.GroupCommitted(Stopwatch.GetElapsedTime(started));
            for (var i = 0; i < group.Count; i++)
            {
                _metrics?.EventsAnswered(outcomes[i]);
                group[i].Done.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception ex) when (DatabaseOutages.IsUnavailable(ex))
        {
            // The database is away: every batch of the group would fail alike, each after its own retries. All are
            // answered now (UNAVAILABLE, nothing stored), so the callers retry once it returns instead of queueing.
            activity.Fail(ex);
            DatabaseOutages.ForgetBrokenConnections(ex);
            foreach (var pending in group) pending.Done.TrySetException(ex);
        }
        catch (Exception ex) when (group.Count > 1)
        {
            // Nothing of the group was stored. One batch's failure must not fail the others: each goes again on its own.
            activity.Fail(ex);
            foreach (var pending in group) await WriteAsync([pending], lookup);
        }
        catch (Exception ex)
        {
            activity.Fail(ex);
            group[0].Done.TrySetException(ex);
        }
    }

    private async Task<IReadOnlyList<EventBatchOutcome>> StoreAsync(IReadOnlyList<CheckedBatch> batches, StoredEventLookup lookup)
    {
        await using var scope = _scopes.CreateAsyncScope();
        if (_options.Provider == DatabaseProvider.Sqlite)
        {
            var db = scope.ServiceProvider.GetRequiredService<CustomerHealthDbContext>();
            db.Database.SetDbConnection(await SqliteConnectionAsync(), contextOwnsConnection: false);
        }
        try
        {
            var outcomes = await scope.ServiceProvider.GetRequiredService<EventIngestor>().IngestAsync(batches, lookup, CancellationToken.None);
            _committed.Writer.TryWrite(true);
            return outcomes;
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
        command.CommandText = SqlitePragmas.Sql(_options) +
            $" PRAGMA cache_size=-{_options.SqliteIngestCacheMiB * 1024}; PRAGMA wal_autocheckpoint={SqliteWriterAutoCheckpointPages};";
        await command.ExecuteNonQueryAsync();
        return _sqliteConnection = connection;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_sqliteConnection is not null) await _sqliteConnection.DisposeAsync();
    }

    /// <summary>A queued batch; <paramref name="Caller"/> is the caller's span, linked from the commit.</summary>
    private sealed record Pending(
        CheckedBatch Batch, TaskCompletionSource<EventBatchOutcome> Done, CancellationToken Ct, ActivityContext Caller);
}
