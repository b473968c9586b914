using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// An account's evidence over longer windows than the health score reads, for the renewal features that look at trends
/// and levels over months: daily use over <see cref="UsageDays"/> days, NPS answers over <see cref="NpsDays"/> days,
/// tickets opened and touchpoints over <see cref="TicketDays"/> days, and the ARR change of the latest renewal decided
/// by then. Everything is as of an instant; the feature builder ignores anything dated later all the same.
/// </summary>
/// <param name="Days">Per-UTC-day rollups of the <see cref="UsageDays"/> days up to the instant's day (a day not listed
/// had no use).</param> <param name="NpsAnswers">NPS answers given in the <see cref="NpsDays"/> days up to the
/// instant.</param> <param name="Tickets">Tickets opened in the <see cref="TicketDays"/> days up to the instant (closed
/// later: still open then).</param> <param name="Touchpoints">CSM touchpoints in the <see cref="TicketDays"/> days up
/// to the instant.</param> <param name="LastRenewalArrChange">New ARR / ARR − 1 of the account's latest renewal decided
/// by the instant; null without one.</param> <param name="KeyFeatureDays">Days in the <see cref="FeatureDays"/> days up
/// to the instant's day on which a key feature of the catalogue was used.</param> <param
/// name="KeyFeaturesInCatalogue">How many key features the catalogue has.</param> <param name="FirstActiveDay">The
/// account's first UTC day with an active user on record, when that is not after the instant's day; null
/// otherwise.</param>
public sealed record RenewalHistory(
    IReadOnlyList<DailyUsage> Days,
    IReadOnlyList<NpsAnswer> NpsAnswers,
    IReadOnlyList<TicketSummary> Tickets,
    IReadOnlyList<DateTimeOffset> Touchpoints,
    double? LastRenewalArrChange,
    IReadOnlyList<KeyFeatureDay>? KeyFeatureDays = null,
    int KeyFeaturesInCatalogue = 0,
    DateOnly? FirstActiveDay = null)
{
    public const int FeatureDays = 90;

    public const int UsageDays = 180;
    public const int NpsDays = 365;
    public const int TicketDays = 180;

    /// <summary>No evidence at all.</summary>
    public static RenewalHistory None { get; } = new([], [], [], [], null);
}

/// <summary>One key feature's use on one UTC day: how many events.</summary>
public readonly record struct KeyFeatureDay(DateOnly Day, string Feature, long Events);
