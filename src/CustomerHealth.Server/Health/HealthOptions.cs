using System.Globalization;
using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Infrastructure.Health;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Health;

/// <summary>
/// The <c>Health</c> configuration section, checked at start-up by <see cref="HealthOptionsValidator"/>.
/// </summary>
public sealed class HealthOptions
{
    public const string Section = "Health";
    public const int MaxBatchSize = 2000;
    public static readonly TimeSpan MaxReadCacheTtl = TimeSpan.FromMinutes(1);

    /// <summary>How often accounts marked dirty are recomputed: scores follow new data within that long.</summary>
    public TimeSpan RecomputeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many accounts per batch (one read of their signals, one write transaction).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Mark every account dirty once per UTC day, so windows move even without new data.</summary>
    public bool DailyPass { get; set; } = true;

    /// <summary>How often a caught-up WatchHealthChanges stream looks for new change-feed entries.</summary>
    public TimeSpan WatchPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a replica may answer <c>GetHealthScore</c> for an account from memory (see
    /// <see cref="HealthReadCache"/>): its own writes are seen at once, another replica's within this long. Zero turns
    /// the cache off.
    /// </summary>
    public TimeSpan ReadCacheTtl { get; set; } = HealthReadCache.DefaultTimeToLive;

    /// <summary>
    /// Keep every stored score's <c>GetHealthScore</c> answer in memory, loaded at start and kept current from this
    /// replica's writes and a poll of the others' (ADR 0072, <see cref="HealthReadModel"/>); another replica's write
    /// is still seen within <see cref="ReadCacheTtl"/>. On by default (SQLite and PostgreSQL; SQL Server has no hot
    /// read to load it with).
    /// </summary>
    public bool ReadModel { get; set; } = true;

    /// <summary>
    /// The most accounts whose answers the read model keeps (about 2.2 KiB each, 215 MiB per 100,000 accounts: see
    /// docs/benchmarks/health-reads.md); the others are read from the database.
    /// </summary>
    public int ReadModelMaxAccounts { get; set; } = 200_000;

    /// <summary>
    /// How long after its writer stamped it a write may commit and still be seen by the read model's poll (<see
    /// cref="HealthWritesPoll"/>).
    /// </summary>
    public TimeSpan ReadModelOverlap { get; set; } = HealthWritesPoll.DefaultOverlap;

    public const int MaxReadModelAccounts = 10_000_000;
}

/// <summary>The rules of <see cref="HealthOptions"/>; every broken one is reported, each naming its key.</summary>
public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (options.RecomputeInterval < WorkerIntervals.Minimum)
            result.AddError($"{Key(nameof(options.RecomputeInterval))} must be at least 10 ms");
        if (options.ReadCacheTtl < TimeSpan.Zero || options.ReadCacheTtl > HealthOptions.MaxReadCacheTtl)
            result.AddError($"{Key(nameof(options.ReadCacheTtl))} must be from 0 to 1 minute");
        if (options.ReadModelMaxAccounts is < 1 or > HealthOptions.MaxReadModelAccounts)
        {
            var key = Key(nameof(options.ReadModelMaxAccounts));
            result.AddError(Text($"{key} must be from 1 to {HealthOptions.MaxReadModelAccounts:N0}"));
        }
        if (options.ReadModelOverlap < TimeSpan.FromSeconds(1) || options.ReadModelOverlap > TimeSpan.FromHours(1))
            result.AddError($"{Key(nameof(options.ReadModelOverlap))} must be from 1 second to 1 hour");
        if (options.WatchPollInterval < WorkerIntervals.Minimum)
            result.AddError($"{Key(nameof(options.WatchPollInterval))} must be at least 10 ms");
        if (options.BatchSize is < 1 or > HealthOptions.MaxBatchSize)
            result.AddError(
                Text($"{Key(nameof(options.BatchSize))} must be from 1 to {HealthOptions.MaxBatchSize:N0}"));
        return result.Build();
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Key(string property) => $"{HealthOptions.Section}:{property}";
}
