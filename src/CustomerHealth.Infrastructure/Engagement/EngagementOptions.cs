using Microsoft.Extensions.Options;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// The <c>Engagement</c> configuration section, checked at start-up by <see cref="EngagementOptionsValidator"/>.
/// </summary>
public sealed class EngagementOptions
{
    public const string Section = "Engagement";
    public const int MaxRawEventRetentionDays = 3650;
    public static readonly TimeSpan MinPurgeInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Raw events older than this many days are purged (rollups stay). Default 400: a year plus a quarter, enough for
    /// year-over-year.
    /// </summary>
    public int RawEventRetentionDays { get; set; } = Domain.Engagement.EventRules.DefaultRetentionDays;

    /// <summary>How often the retention purge runs.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>The rules of <see cref="EngagementOptions"/>; every broken one is reported, each naming its key.</summary>
public sealed class EngagementOptionsValidator : IValidateOptions<EngagementOptions>
{
    public ValidateOptionsResult Validate(string? name, EngagementOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (options.RawEventRetentionDays is < 1 or > EngagementOptions.MaxRawEventRetentionDays)
        {
            var key = Key(nameof(options.RawEventRetentionDays));
            result.AddError($"{key} must be between 1 and {EngagementOptions.MaxRawEventRetentionDays}");
        }
        if (options.PurgeInterval < EngagementOptions.MinPurgeInterval)
            result.AddError($"{Key(nameof(options.PurgeInterval))} must be at least one second");
        return result.Build();
    }

    private static string Key(string property) => $"{EngagementOptions.Section}:{property}";
}
