namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>The <c>Engagement</c> configuration section.</summary>
public sealed class EngagementOptions
{
    public const string Section = "Engagement";

    /// <summary>Raw events older than this many days are purged (rollups stay). Default 400: a year plus a quarter, enough for year-over-year.</summary>
    public int RawEventRetentionDays { get; set; } = Domain.Engagement.EventRules.DefaultRetentionDays;

    /// <summary>How often the retention purge runs.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    public string? Explain() =>
        RawEventRetentionDays is < 1 or > 3650 ? "Engagement:RawEventRetentionDays must be between 1 and 3650"
        : PurgeInterval < TimeSpan.FromSeconds(1) ? "Engagement:PurgeInterval must be at least one second"
        : null;
}
