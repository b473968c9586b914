namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// A stored raw usage event (table <c>usage_events</c>), written in bulk by the ingestor, purged after retention.
/// </summary>
public sealed class UsageEventRow
{
    public required string Source { get; init; }
    public required string EventId { get; init; }
    public required string AccountId { get; init; }
    public required string UserId { get; init; }
    public required string EventName { get; init; }
    public DateTime OccurredAt { get; init; }

    /// <summary>The UTC day of <see cref="OccurredAt"/>, stored for day-range scans.</summary>
    public DateOnly Day { get; init; }

    public double? Quantity { get; init; }

    /// <summary>The properties as a JSON object, or null when there are none.</summary>
    public string? PropertiesJson { get; init; }

    public DateTime ReceivedAt { get; init; }
}

/// <summary>
/// One user's activity on one UTC day (table <c>user_daily_activity</c>): DAU/MAU, seat use, streaks.
/// </summary>
public sealed class UserDailyActivity
{
    public required string AccountId { get; init; }
    public DateOnly Day { get; init; }
    public required string UserId { get; init; }
    public int Events { get; init; }

    /// <summary>
    /// Events that make a user active (per the catalogue); the user was active that day when above zero.
    /// </summary>
    public int ActiveEvents { get; init; }
}

/// <summary>
/// One user's active days in one block of 63 days (table <c>user_active_days</c>; see <see
/// cref="CustomerHealth.Domain.Engagement.ActiveDayBlocks"/>): the distinct-user windows of the health recompute read
/// these instead of every user-day row. Kept by ingestion beside <see cref="UserDailyActivity"/> and rebuilt from it.
/// </summary>
public sealed class UserActiveDays
{
    public required string AccountId { get; init; }
    public int Block { get; init; }
    public required string UserId { get; init; }

    /// <summary>Bit <c>i</c> set: the user was active on the block's day <c>i</c>.</summary>
    public long Days { get; init; }
}

/// <summary>One account's usage on one UTC day (table <c>account_daily_usage</c>).</summary>
public sealed class AccountDailyUsage
{
    public required string AccountId { get; init; }
    public DateOnly Day { get; init; }
    public long Events { get; init; }

    /// <summary>Distinct users with any event.</summary>
    public int Users { get; init; }

    /// <summary>Distinct users with at least one active event.</summary>
    public int ActiveUsers { get; init; }
}

/// <summary>
/// Events of one key feature in one account on one UTC day (table <c>account_feature_daily_usage</c>).
/// </summary>
public sealed class AccountFeatureDailyUsage
{
    public required string AccountId { get; init; }
    public DateOnly Day { get; init; }
    public required string Feature { get; init; }
    public long Events { get; init; }
}

/// <summary>
/// The event catalogue: a single row holding the entries as JSON, versioned for optimistic concurrency.
/// </summary>
public sealed class EventCatalogueRow
{
    public const int SingletonId = 1;
    public int Id { get; set; } = SingletonId;
    public long Version { get; set; }
    public required string EntriesJson { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}
