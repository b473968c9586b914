using CustomerHealth.Domain.Accounts;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Infrastructure.Accounts;

/// <summary>
/// Reads the champion signal of a set of accounts (<see cref="ChampionSignals"/>) in at most three queries: their
/// champions, then, only when some champion in place is linked to a usage user, those users' active days and the
/// accounts' active days in the quiet window (both ranges of the tables' keys, account and day first).
/// </summary>
public sealed class ChampionSignalReader(
    CustomerHealthDbContext db, IOptions<StakeholderOptions> options, TimeProvider clock)
{
    public int QuietDays => options.Value.ChampionQuietDays;

    /// <summary>The alerts of each account that has any, by account id.</summary>
    public async Task<ILookup<string, ChampionAlert>> ReadAsync(
        IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        var ids = accountIds.Distinct(StringComparer.Ordinal).ToArray();
        var champions = await db.Contacts.AsNoTracking()
            .Where(c => ids.Contains(c.AccountId) && c.Role == ContactRole.Champion)
            .Select(c => new { c.AccountId, c.Id, c.LeftOn, c.UsageUserId })
            .ToListAsync(ct);
        if (champions.Count == 0) return Empty();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var from = today.AddDays(1 - QuietDays);
        var linked = champions.Where(c => c.LeftOn is null && c.UsageUserId is not null).ToArray();
        var activeUsers = new HashSet<(string, string)>();
        var activeAccounts = new HashSet<string>(StringComparer.Ordinal);
        if (linked.Length > 0)
        {
            var linkedAccounts = linked.Select(c => c.AccountId).Distinct(StringComparer.Ordinal).ToArray();
            var users = linked.Select(c => c.UsageUserId!).Distinct(StringComparer.Ordinal).ToArray();
            var userDays = await db.UserDailyActivity.AsNoTracking()
                .Where(u => linkedAccounts.Contains(u.AccountId) && u.Day >= from && u.Day <= today
                    && users.Contains(u.UserId) && u.ActiveEvents > 0)
                .Select(u => new { u.AccountId, u.UserId }).Distinct().ToListAsync(ct);
            activeUsers.UnionWith(userDays.Select(u => (u.AccountId, u.UserId)));
            activeAccounts.UnionWith(await db.AccountDailyUsage.AsNoTracking()
                .Where(d => linkedAccounts.Contains(d.AccountId) && d.Day >= from && d.Day <= today
                    && d.ActiveUsers > 0)
                .Select(d => d.AccountId).Distinct().ToListAsync(ct));
        }
        return champions.GroupBy(c => c.AccountId, StringComparer.Ordinal)
            .SelectMany(g => ChampionSignals.Assess(
                    g.Select(c => new ChampionFacts(c.Id, c.LeftOn is not null, c.LeftOn, c.UsageUserId is not null,
                        c.UsageUserId is { } user && activeUsers.Contains((g.Key, user)))),
                    activeAccounts.Contains(g.Key), QuietDays)
                .Select(a => (g.Key, Alert: a)))
            .ToLookup(x => x.Key, x => x.Alert, StringComparer.Ordinal);
    }

    private static ILookup<string, ChampionAlert> Empty() =>
        Array.Empty<ChampionAlert>().ToLookup(_ => "", StringComparer.Ordinal);
}
