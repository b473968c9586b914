using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Server.Hosting;
using CustomerHealth.Infrastructure.Health;

namespace CustomerHealth.Server.Health;

/// <summary>The <c>Health</c> configuration section.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>How often accounts marked dirty are recomputed: scores follow new data within about this long.</summary>
    public TimeSpan RecomputeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many accounts per batch (one read of their signals, one write transaction).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Mark every account dirty once per UTC day, so windows move even without new data.</summary>
    public bool DailyPass { get; set; } = true;

    /// <summary>How often a caught-up WatchHealthChanges stream looks for new change-feed entries.</summary>
    public TimeSpan WatchPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a replica may answer <c>GetHealthScore</c> for an account from memory (see <see cref="HealthReadCache"/>):
    /// its own writes are seen at once, another replica's within this long. Zero turns the cache off.
    /// </summary>
    public TimeSpan ReadCacheTtl { get; set; } = HealthReadCache.DefaultTimeToLive;

    public string? Explain() =>
        RecomputeInterval < TimeSpan.FromMilliseconds(10) ? "Health:RecomputeInterval must be at least 10 ms"
        : ReadCacheTtl < TimeSpan.Zero || ReadCacheTtl > TimeSpan.FromMinutes(1) ? "Health:ReadCacheTtl must be from 0 to 1 minute"
        : WatchPollInterval < TimeSpan.FromMilliseconds(10) ? "Health:WatchPollInterval must be at least 10 ms"
        : BatchSize is < 1 or > 2000 ? "Health:BatchSize must be from 1 to 2,000"
        : null;
}

/// <summary>
/// Keeps scores fresh: every <see cref="HealthOptions.RecomputeInterval"/> it recomputes the accounts that writes marked
/// dirty, in batches until none is due; on the first pass of each UTC day (by the app's clock) it first marks every account.
/// With several replicas on one database, one of them does this at a time: the one holding the lease
/// <see cref="ReplicaLeases.Names.HealthRecompute"/>, renewed at every tick; the daily marking happens once per day in
/// all (lease <see cref="ReplicaLeases.Names.HealthDailyPass"/>, held until the day's end).
/// </summary>
public sealed class HealthWorker(IServiceScopeFactory scopes, HealthOptions options, TimeProvider clock, ReplicaLeases leases, ILogger<HealthWorker> logger) : BackgroundService
{
    private DateOnly? _lastDailyPass;

    /// <summary>How long the recompute lease lasts unrenewed: a replica that stops is replaced within this long.</summary>
    private TimeSpan LeaseLength => ReplicaLeases.LengthFor(options.RecomputeInterval);

    // A failed pass leaves the marks, so the next one recomputes those accounts again.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeasedLoop.RunAsync(leases, clock, ReplicaLeases.Names.HealthRecompute, options.RecomputeInterval, LeaseLength,
            PassAsync, logger, "Health recompute", stoppingToken);

    private async Task PassAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        if (options.DailyPass && _lastDailyPass != today)
        {
            // Held until the day's end: whichever replica marks first today, the others find the lease taken.
            if (await leases.TryHoldUntilAsync(ReplicaLeases.Names.HealthDailyPass, today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), stoppingToken))
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<HealthRecomputer>().MarkAllAsync(stoppingToken);
            }
            _lastDailyPass = today;
        }
        int recomputed;
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            recomputed = await scope.ServiceProvider.GetRequiredService<HealthRecomputer>().RecomputeDueAsync(options.BatchSize, stoppingToken);
        }
        while (recomputed == options.BatchSize && !stoppingToken.IsCancellationRequested);
    }
}
