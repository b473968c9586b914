using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Onboarding;

/// <summary>
/// What an account's stored data shows since its plan's start: the first instant of each relevant event name (raw
/// events), each user's first active day (rollups), and the seats of its current contract. Loaded once per evaluation.
/// </summary>
internal sealed class OnboardingEvidence(
    EventCatalogue catalogue, IReadOnlyDictionary<string, DateTime> firstEvents,
    IReadOnlyList<DateOnly> firstActiveDays, int seats)
    : IOnboardingEvidence
{
    public static async Task<OnboardingEvidence> LoadAsync(
        CustomerHealthDbContext db, OnboardingPlan plan, EventCatalogue catalogue, DateOnly today, CancellationToken ct)
    {
        var names = plan.Milestones.Where(
            m => (!m.IsDone || m.CompletedHow == CompletionMethod.Rule) && m.Rule.EventName is not null)
            .Select(m => m.Rule.EventName!)
            .Concat(catalogue.FirstValueEvents).Concat(catalogue.KeyFeatures).Distinct(StringComparer.Ordinal)
                .ToArray();
        var start = plan.StartDate;
        var firstEvents = names.Length == 0 ? new Dictionary<string, DateTime>() : await db.UsageEvents.AsNoTracking()
            .Where(e => e.AccountId == plan.AccountId && e.Day >= start && names.Contains(e.EventName))
            .GroupBy(e => e.EventName)
            .Select(g => new { Name = g.Key, First = g.Min(e => e.OccurredAt) })
            .ToDictionaryAsync(x => x.Name, x => x.First, StringComparer.Ordinal, ct);
        var firstActiveDays = await db.UserDailyActivity.AsNoTracking()
            .Where(u => u.AccountId == plan.AccountId && u.Day >= start && u.ActiveEvents > 0)
            .GroupBy(u => u.UserId)
            .Select(g => g.Min(u => u.Day))
            .ToListAsync(ct);
        firstActiveDays.Sort();
        var contracts = await db.Contracts.AsNoTracking().Where(c => c.AccountId == plan.AccountId).ToListAsync(ct);
        return new OnboardingEvidence(
            catalogue, firstEvents, firstActiveDays, PlanSeats(contracts, plan.StartDate, today));
    }

    /// <summary>
    /// The seats a plan's seat-share milestones are measured against: those of the contract running when the plan
    /// started (what was sold for onboarding), else of today's current contract. Not simply today's: a plan evaluated
    /// after the fact (a backfill, a late event) would otherwise see 0 seats once the account has churned, and an
    /// outcome recorded a year later would decide whether a milestone of its first 90 days was reached (a leak into
    /// renewal training).
    /// </summary>
    public static int PlanSeats(IReadOnlyCollection<Contract> contracts, DateOnly planStart, DateOnly today) =>
        (contracts.Where(c => c.CoversDay(planStart)).MaxBy(c => c.StartDate)
            ?? Contract.CurrentOf(contracts, today))?.Seats ?? 0;

    public DateTime? ReachedAt(MilestoneRule rule) => rule.Kind switch
    {
        MilestoneRuleKind.FirstEvent => First([rule.EventName!]),
        MilestoneRuleKind.FirstValue => First(catalogue.FirstValueEvents),
        MilestoneRuleKind.KeyFeatureUsed => rule.EventName is { } name ? First([name]) : First(catalogue.KeyFeatures),
        MilestoneRuleKind.ActiveUsers => NthActiveDay(rule.Count),
        MilestoneRuleKind.ActiveSeatShare when seats > 0 =>
            NthActiveDay(Math.Max(1, (int)Math.Ceiling(rule.Share * seats))),
        _ => null,
    };

    private DateTime? First(IEnumerable<string> names) =>
        names.Select(n => firstEvents.TryGetValue(n, out var at) ? at : (DateTime?)null).Where(at => at is not null)
            .Min();

    /// <summary>The day the n-th distinct user was first active (start of that UTC day), or null.</summary>
    private DateTime? NthActiveDay(int n) =>
        n >= 1 && firstActiveDays.Count >= n ? firstActiveDays[n - 1].ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)
            : null;
}
