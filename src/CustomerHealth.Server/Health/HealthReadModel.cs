using System.Diagnostics;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Server.Health;

/// <summary>
/// The read model of <c>GetHealthScore</c> (ADR 0072, <c>Health:ReadModel</c>): every stored score's answer kept
/// mapped in <see cref="HealthReadCache"/>, so that a read of any account is a hit. At start it loads the answers in
/// account order by the list's statement (<see cref="HealthScoreReader.ListAsync"/>); from then on this replica's
/// own writes invalidate them as they always did (the cache's invalidations after each commit), and a poll every half
/// <see cref="HealthOptions.ReadCacheTtl"/> invalidates those that other replicas' writes changed (<see
/// cref="HealthWritesPoll"/>). Kept answers are served only while the last complete poll started less than <see
/// cref="HealthOptions.ReadCacheTtl"/> ago, which bounds how stale another replica's write may be seen as ADR 0018
/// bounds it; while polls fail, reads take the database. An invalidated account is read again by its next call.
/// </summary>
public sealed class HealthReadModel(
    HealthReadCache cache, HealthScoreReader reader, IServiceScopeFactory scopes, HealthOptions options,
    TimeProvider clock, ILogger<HealthReadModel> logger) : BackgroundService
{
    /// <summary>Answers read per statement while loading.</summary>
    public const int LoadPageSize = 1000;

    private readonly TaskCompletionSource<TimeSpan> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the read model runs: on, with the read cache and the hot read on.</summary>
    public bool Enabled => options.ReadModel && cache.Enabled && reader.Enabled;

    /// <summary>Completes with the load's wall time once every stored score's answer was loaded (or the cap
    /// reached).</summary>
    public Task<TimeSpan> Loaded => _loaded.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        cache.Keep(options.ReadModelMaxAccounts);
        var poll = new HealthWritesPoll(options.ReadModelOverlap);
        // The first poll before the load: the load's answers are served only once a poll vouches for them.
        await PollAsync(poll, stoppingToken);
        var load = LoadAsync(stoppingToken);
        var interval = options.ReadCacheTtl / 2;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            await PollAsync(poll, stoppingToken);
        }
        await load;
    }

    private async Task PollAsync(HealthWritesPoll poll, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CustomerHealthDbContext>();
            cache.Invalidate(await poll.ChangedAsync(db, clock.GetUtcNow().UtcDateTime, ct));
            cache.Covered(started);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Kept answers stop being served once the last complete poll is older than the bound.
            logger.LogWarning(ex, "The read model's poll of other replicas' writes failed; it tries again");
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var filter = new HealthScoreFilter(null, null, null, null, null, IncludeChurned: true);
        HealthScoreCursor? after = null;
        try
        {
            while (!ct.IsCancellationRequested && cache.Count < cache.MaxKept)
            {
                var tickets = cache.TakeAll(); // before the read: a write committed meanwhile keeps its answer out
                var page = await reader.ListAsync(new HealthListQuery(filter, HealthScoreOrder.AccountId, LoadPageSize,
                    after, null), clock.GetUtcNow(), DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
                foreach (var (score, _) in page.Items)
                {
                    cache.Set(score.AccountId, HealthReadCache.TicketOf(tickets, score.AccountId),
                        score.ToProto(), score.Override?.ExpiresAt, kept: true);
                }
                if (!page.HasMore || page.Items.Count == 0) break;
                after = new HealthScoreCursor(null, page.Items[^1].Score.AccountId);
            }
            logger.LogInformation("The read model loaded {Count} answers in {Elapsed}", cache.Count, watch.Elapsed);
            _loaded.TrySetResult(watch.Elapsed);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _loaded.TrySetCanceled(ct);
        }
        catch (Exception ex)
        {
            // Not loaded: each account's answer is kept from its first read instead.
            logger.LogWarning(ex, "The read model's load failed; answers are kept as they are read");
            _loaded.TrySetException(ex);
        }
    }
}
