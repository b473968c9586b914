using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Tests.Health;

/// <summary>Fixtures: accounts as of 2026-06-30 12:00 UTC, adjusted per test with <c>with</c>.</summary>
internal static class Signals
{
    public static readonly DateTimeOffset AsOf = new(2026, 6, 30, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2026, 6, 30);

    /// <summary>
    /// A renewed customer of 400 days with 40 seats: 20 users active on each of the last 60 days (100 events a day),
    /// 5 of 5 key features, a CSM call two hours ago; no onboarding plan, NPS answers or tickets.
    /// </summary>
    public static AccountSignals Steady(CsTier tier = CsTier.LowTouch, int seats = 40) => new()
    {
        AsOf = AsOf,
        Tier = tier,
        AccountCreatedOn = Today.AddDays(-420),
        Contracts = new(
            Today.AddDays(-400), Today.AddDays(-35), Today.AddDays(330), seats, HasActiveContract: true, Renewals: 1,
            Churns: 0),
        Usage = Use(activeUsers: 20, mau: 20),
        LastTouchpointAt = AsOf.AddHours(-2),
    };

    /// <summary>
    /// An account whose first contract started <paramref name="day"/> days ago (0: today); no use, nothing else yet.
    /// </summary>
    public static AccountSignals NewCustomer(int day, CsTier tier = CsTier.LowTouch, int seats = 40) => new()
    {
        AsOf = AsOf,
        Tier = tier,
        AccountCreatedOn = Today.AddDays(-day - 10),
        Contracts = new(
            Today.AddDays(-day), Today.AddDays(-day), Today.AddDays(365 - day), seats, HasActiveContract: day >= 0,
            Renewals: 0, Churns: 0),
    };

    /// <summary>A lead created today: no contract, no data of any kind.</summary>
    public static AccountSignals Lead(CsTier tier = CsTier.LowTouch) =>
        new() { AsOf = AsOf, Tier = tier, AccountCreatedOn = Today };

    /// <summary>
    /// <paramref name="activeUsers"/> active users and <paramref name="events"/> events on each of the last <paramref
    /// name="days"/> days.
    /// </summary>
    public static UsageSignals Use(
        int activeUsers, int mau, int? previousMau = null, long events = 100, int days = 60, int featuresUsed = 5,
        int features = 5) =>
        new(Days(0, days, activeUsers, events), mau, previousMau ?? mau, featuresUsed, features);

    /// <summary>
    /// Rollups for <paramref name="count"/> consecutive days, the newest <paramref name="daysAgo"/> days before today.
    /// </summary>
    public static DailyUsage[] Days(int daysAgo, int count, int activeUsers, long events = 100) =>
        Enumerable.Range(daysAgo, count).Select(i => new DailyUsage(Today.AddDays(-i), activeUsers, events)).ToArray();

    /// <summary>
    /// A plan that started <paramref name="day"/> days ago; milestones as (key, due day, day done or null).
    /// </summary>
    public static OnboardingSummary Plan(int day, params (string Key, int DueDay, int? DoneDay)[] milestones) =>
        new(Today.AddDays(-day), milestones
            .Select(
                m => new MilestoneSummary(
                    m.Key, m.DueDay, m.DoneDay is { } done ? Today.AddDays(done - day) : null, m.Key == "first_value"))
            .ToArray());

    public static NpsAnswer Answer(int score, double daysAgo = 0) => new(score, AsOf.AddDays(-daysAgo));

    public static HealthScore Score(AccountSignals signals, Scorecard? scorecard = null) =>
        HealthScorer.Score(signals, scorecard ?? Scorecard.Default);

    public static ComponentScore Component(
        AccountSignals signals, HealthComponentKind kind, Scorecard? scorecard = null) =>
        Score(signals, scorecard).Component(kind)
            ?? throw new Xunit.Sdk.XunitException($"{kind} had no data: {MissingReason(signals, kind, scorecard)}");

    public static string? MissingReason(
        AccountSignals signals, HealthComponentKind kind, Scorecard? scorecard = null) =>
        Score(signals, scorecard).Completeness.Missing.SingleOrDefault(m => m.Kind == kind)?.Reason;
}
