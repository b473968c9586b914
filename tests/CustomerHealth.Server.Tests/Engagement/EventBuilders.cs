using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Server.Tests.Engagement;

/// <summary>
/// Usage events and a snapshot of every rollup row, for comparing incremental rollups with a rebuild.
/// </summary>
public static class Events
{
    public static UsageEvent Event(
        string id, string account = "acme", string user = "u1", string name = "login",
        string at = "2026-03-14T09:00:00Z", double? quantity = null)
    {
        var e = new UsageEvent
        {
            EventId = id,
            AccountId = account,
            UserId = user,
            EventName = name,
            OccurTime = Timestamp.FromDateTimeOffset(
                DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (quantity is { } q) e.Quantity = q;
        return e;
    }

    public static IngestEventsRequest Batch(params UsageEvent[] events) => Batch("product", events);

    public static IngestEventsRequest Batch(string source, params UsageEvent[] events)
    {
        var request = new IngestEventsRequest { Source = source };
        request.Events.AddRange(events);
        return request;
    }

    /// <summary>Every rollup row of the given accounts, in key order, as comparable strings.</summary>
    public static async Task<string[]> RollupSnapshot(this ServiceUnderTest service, params string[] accounts) =>
        await service.InDatabaseAsync(async db =>
        {
            var userRows = await db.UserDailyActivity.AsNoTracking().Where(u => accounts.Contains(u.AccountId))
                .ToListAsync();
            var users = userRows.Select(
                u => $"user {u.AccountId} {u.Day:yyyy-MM-dd} {u.UserId} {u.Events} {u.ActiveEvents}");
            // The active-day blocks hold nothing of their own: they must always be what the user-day rows say.
            static string Block(string account, int block, string user, long days) =>
                $"active {account} {block} {user} {days}";
            var blocks = (await db.UserActiveDays.AsNoTracking().Where(b => accounts.Contains(b.AccountId))
                .ToListAsync())
                .Select(b => Block(b.AccountId, b.Block, b.UserId, b.Days)).Order(StringComparer.Ordinal).ToArray();
            var derived = Domain.Engagement.ActiveDayBlocks.Of(
                userRows.Select(
                    u => new Domain.Engagement.UserDayDelta(u.AccountId, u.Day, u.UserId, u.Events, u.ActiveEvents)))
                .Select(b => Block(b.AccountId, b.Block, b.UserId, b.Days)).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(derived, blocks);
            var days = (await db.AccountDailyUsage.AsNoTracking().Where(a => accounts.Contains(a.AccountId))
                .ToListAsync())
                .Select(a => $"account {a.AccountId} {a.Day:yyyy-MM-dd} {a.Events} {a.Users} {a.ActiveUsers}");
            var features = (await db.AccountFeatureDailyUsage.AsNoTracking().Where(f => accounts.Contains(f.AccountId))
                .ToListAsync())
                .Select(f => $"feature {f.AccountId} {f.Day:yyyy-MM-dd} {f.Feature} {f.Events}");
            return users.Concat(days).Concat(features).Concat(blocks).Order(StringComparer.Ordinal).ToArray();
        });

    /// <summary>How many raw events the account has.</summary>
    public static Task<int> RawEventCount(this ServiceUnderTest service, string account) =>
        service.InDatabaseAsync(db => db.UsageEvents.CountAsync(e => e.AccountId == account));
}
