using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Expansion;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Expansion;

/// <summary>Which accounts' expansion signals are read: the peer groups (tier, segment) to read whole; null is
/// any.</summary>
public sealed record ExpansionPopulation(CsTier? Tier, string? Segment);

/// <summary>
/// Reads <see cref="ExpansionFacts"/> as of now for whole peer groups (every account of a tier and segment), so the
/// pure <see cref="ExpansionSignals"/> can compare each account with its peers: the accounts with their current band
/// and stage, then per batch of <see cref="BatchSize"/> accounts the health signals' usage figures (<see
/// cref="SignalReader"/>: seats, distinct active users over the two windows, daily events) and one grouped query of
/// key-feature events over the two windows. Computed on read, never stored: its cost grows with the accounts read.
/// </summary>
public sealed class ExpansionReader(
    CustomerHealthDbContext db, SignalReader signals, EventCatalogueStore catalogues, TimeProvider clock)
{
    public const int BatchSize = 500;
    private const int WindowDays = 30;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>The tier and segment of an account (its peer group), or null when it does not exist.</summary>
    public async Task<ExpansionPopulation?> PeerGroupOfAsync(string accountId, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId)
            .Select(a => new { a.EffectiveTier, a.Segment }).SingleOrDefaultAsync(ct);
        return account is null ? null : new ExpansionPopulation(TierOf(account.EffectiveTier), account.Segment ?? "");
    }

    /// <summary>The facts of every account of the population, in account id order.</summary>
    public async Task<IReadOnlyList<ExpansionFacts>> ReadAsync(ExpansionPopulation population, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var accounts = await AccountsOf(population)
            .GroupJoin(db.HealthScores.AsNoTracking(), a => a.Id, s => s.AccountId, (a, s) => new { a, s })
            .SelectMany(x => x.s.DefaultIfEmpty(), (x, s) => new
            {
                x.a.Id, x.a.EffectiveTier, x.a.Segment, x.a.Owner,
                Band = s == null ? (HealthBand?)null : s.Band,
                Stage = s == null ? (LifecycleStage?)null : s.Stage,
            })
            .OrderBy(a => a.Id)
            .ToListAsync(ct);
        var keyFeatures = (await catalogues.GetAsync(ct)).KeyFeatures.ToArray();
        var facts = new List<ExpansionFacts>(accounts.Count);
        foreach (var batch in accounts.Chunk(BatchSize))
        {
            var ids = batch.Select(a => a.Id).ToArray();
            var usage = (await signals.ReadAsync(ids, now, 2 * WindowDays, ct, metrics: false))
                .ToDictionary(r => r.AccountId, r => r.Signals, StringComparer.Ordinal);
            var keyEvents = await KeyFeatureEventsAsync(ids, keyFeatures, today, ct);
            foreach (var a in batch)
            {
                if (!usage.TryGetValue(a.Id, out var s)) continue; // deleted between the reads
                var (last, previous) = keyEvents.GetValueOrDefault(a.Id);
                facts.Add(new ExpansionFacts
                {
                    AccountId = a.Id,
                    Tier = TierOf(a.EffectiveTier),
                    Segment = a.Segment ?? "",
                    Owner = a.Owner,
                    Seats = s.Seats,
                    ActiveUsers = s.Usage.ActiveUsersLast30Days,
                    PreviousActiveUsers = s.Usage.ActiveUsersPrevious30Days,
                    KeyFeatureEvents = last,
                    PreviousKeyFeatureEvents = previous,
                    Events = s.Usage.Days.Where(d => d.Day > today.AddDays(-WindowDays) && d.Day <= today)
                        .Sum(d => d.Events),
                    Band = a.Band,
                    Stage = a.Stage,
                });
            }
        }
        return facts;
    }

    private IQueryable<Account> AccountsOf(ExpansionPopulation population)
    {
        var query = db.Accounts.AsNoTracking();
        if (population.Tier is { } tier)
        {
            query = tier == CsTier.TechTouch
                ? query.Where(a => a.EffectiveTier == tier || a.EffectiveTier == CsTier.Unspecified)
                : query.Where(a => a.EffectiveTier == tier);
        }
        if (population.Segment is { } segment)
        {
            query = segment.Length == 0
                ? query.Where(a => a.Segment == null || a.Segment == "")
                : query.Where(a => a.Segment == segment);
        }
        return query;
    }

    /// <summary>Key-feature events per account in the last 30 days and the 30 before them: one grouped query.</summary>
    private async Task<Dictionary<string, (long Last, long Previous)>> KeyFeatureEventsAsync(
        string[] ids, string[] keyFeatures, DateOnly today, CancellationToken ct)
    {
        if (keyFeatures.Length == 0) return new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        var (lastFrom, previousFrom) = (today.AddDays(-(WindowDays - 1)), today.AddDays(-(2 * WindowDays - 1)));
        return await db.AccountFeatureDailyUsage.AsNoTracking()
            .Where(f => ids.Contains(f.AccountId) && f.Day >= previousFrom && f.Day <= today
                && keyFeatures.Contains(f.Feature))
            .GroupBy(f => f.AccountId)
            .Select(g => new
            {
                AccountId = g.Key,
                Last = g.Sum(f => f.Day >= lastFrom ? f.Events : 0L),
                Previous = g.Sum(f => f.Day < lastFrom ? f.Events : 0L),
            })
            .ToDictionaryAsync(x => x.AccountId, x => (x.Last, x.Previous), StringComparer.Ordinal, ct);
    }

    private static CsTier TierOf(CsTier tier) => tier == CsTier.Unspecified ? CsTier.TechTouch : tier;
}
