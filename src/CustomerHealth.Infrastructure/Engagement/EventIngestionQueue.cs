using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// Group commit for usage events. Every caller (each stream, each unary call) hands its batches to this queue and
/// awaits their outcomes; a writer takes all the batches waiting, up to <see cref="MaxEventsPerCommit"/> events, stores
/// them in one transaction (<see cref="EventIngestor"/>: each batch whole or absent, in arrival order), and only then
/// completes each batch's task, so an answered batch is durable. The commit, and on SQLite the page writes, are paid
/// once per group instead of once per batch and per caller.
/// </summary>
/// <remarks>
/// How many writers run and on which connections is the engine's business (<see cref="IngestionConnections"/>): one
/// writer on a connection of its own on SQLite, a few on pooled connections on the server databases. The writers run
/// from <see cref="Start"/> to <see cref="StopAsync"/>, which the server's hosted service for them calls (registered
/// with the engagement services).
/// </remarks>
public sealed class EventIngestionQueue : IAsyncDisposable
{
    /// <summary>
    /// At most this many events go into one transaction (whole batches only; a single batch may hold up to 5,000). A
    /// group is only this large when the writer is behind (it takes what is waiting), and then a larger group costs
    /// less per event: the pages that a group's random keys dirty (the event-id key above all) are written once per
    /// commit, so 100,000 rather than 40,000 halved the bytes written per event on SQLite
    /// (docs/benchmarks/ingestion.md#2026-12-05-sqlite-reaches-50000-events-per-second).
    /// </summary>
    public const int MaxEventsPerCommit = 100_000;

    /// <summary>
    /// At most this many batches wait for a writer; callers beyond wait for room (the streams then stop reading, and
    /// HTTP/2 flow control slows their clients). Bounds the memory that queued events take whatever the number of
    /// callers.
    /// </summary>
    public const int MaxQueuedBatches = 256;

    private readonly IServiceScopeFactory _scopes;
    private readonly EventRules _rules;
    private readonly TimeProvider _clock;
    private readonly IngestionConnections _connections;

    /// <summary>
    /// One queue per writer (a lane): all the batches of one caller go through one lane, so they are stored in the
    /// order sent.
    /// </summary>
    private readonly Channel<Pending>[] _lanes;

    private Task[] _writers = [];
    private int _nextLane = -1;
    private readonly ServiceMetrics? _metrics;

    public EventIngestionQueue(
        IServiceScopeFactory scopes,
        EventRules rules,
        TimeProvider clock,
        IngestionConnections connections,
        ServiceMetrics? metrics = null
    )
    {
        _metrics = metrics;
        _scopes = scopes;
        _rules = rules;
        _clock = clock;
        _connections = connections;
        var writers = connections.Writers;
        var laneOptions = new BoundedChannelOptions(MaxQueuedBatches / writers)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        };
        _lanes = Enumerable.Range(0, writers).Select(_ => Channel.CreateBounded<Pending>(laneOptions)).ToArray();
        _metrics?.ObserveIngestionQueue(() => _lanes.Sum(lane => lane.Reader.Count));
    }

    /// <summary>
    /// Starts one write loop per lane, each with its own <see cref="StoredEventLookup"/>, and the engine's upkeep (by
    /// the hosted service that the engagement registration adds). Batches queued before wait for it.
    /// </summary>
    public void Start()
    {
        if (_writers.Length > 0) throw new InvalidOperationException("The writers have already started.");
        _writers = _lanes.Select(lane => Task.Run(() => WriteLoopAsync(lane, new StoredEventLookup()))).ToArray();
        _connections.Start();
    }

    /// <summary>
    /// Takes no more batches and waits until the writers have stored those queued (and answered them).
    /// </summary>
    public async Task StopAsync()
    {
        foreach (var lane in _lanes) lane.Writer.TryComplete();
        await Task.WhenAll(_writers);
        await _connections.DisposeAsync();
    }

    /// <summary>
    /// Queues one batch and completes with its outcome once it is committed. A malformed batch (source, size) throws at
    /// once; a batch whose <paramref name="ct"/> is cancelled before its group is written is dropped (nothing stored).
    /// The per-event rules run here, on the caller's thread, so that the writer only writes. Batches given the same
    /// <paramref name="lane"/> (<see cref="NextLane"/>) are stored in the order given: a stream passes one lane for all
    /// its batches, so a later batch never overtakes an earlier one on another writer (and a repeat of an event is the
    /// later batch's duplicate). Without a lane the batch takes the next one.
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
            // Nothing of the group was stored. One batch's failure must not fail the others: each goes again on its
            // own.
            activity.Fail(ex);
            foreach (var pending in group) await WriteAsync([pending], lookup);
        }
        catch (Exception ex)
        {
            activity.Fail(ex);
            group[0].Done.TrySetException(ex);
        }
    }

    private async Task<IReadOnlyList<EventBatchOutcome>> StoreAsync(
        IReadOnlyList<CheckedBatch> batches,
        StoredEventLookup lookup
    )
    {
        await using var scope = _scopes.CreateAsyncScope();
        await _connections.UseForGroupAsync(scope.ServiceProvider.GetRequiredService<CustomerHealthDbContext>());
        try
        {
            var outcomes = await scope.ServiceProvider.GetRequiredService<EventIngestor>()
                .IngestAsync(batches, lookup, CancellationToken.None);
            _connections.Committed();
            return outcomes;
        }
        catch (DbException)
        {
            await _connections.FailedAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>A queued batch; <paramref name="Caller"/> is the caller's span, linked from the commit.</summary>
    private sealed record Pending(
        CheckedBatch Batch, TaskCompletionSource<EventBatchOutcome> Done, CancellationToken Ct, ActivityContext Caller);
}
