using System.Runtime.InteropServices;

namespace CustomerHealth.Domain.Engagement;

/// <summary>What a set of newly stored events adds to one user's day.</summary>
public sealed record UserDayDelta(string AccountId, DateOnly Day, string UserId, int Events, int ActiveEvents);

/// <summary>What a set of newly stored events adds to one account's key-feature count of a day.</summary>
public sealed record FeatureDayDelta(string AccountId, DateOnly Day, string Feature, int Events);

/// <summary>
/// The increments that newly stored events make to the daily rollups. Rollups are sums, so they can be maintained by
/// adding these deltas in any order: late and out-of-order events land on their own day. Account-level user counts follow
/// from the user-day rows' transitions (see <see cref="AccountDayDelta"/>).
/// </summary>
public static class RollupDeltas
{
    /// <summary>Groups events by user-day and by key-feature-day, sorted by key so writers lock rows in one order.</summary>
    public static (IReadOnlyList<UserDayDelta> Users, IReadOnlyList<FeatureDayDelta> Features) From(IEnumerable<UsageEvent> events, EventCatalogue catalogue)
    {
        // One hash lookup per event and key (the value updated in place), and one sort of plain arrays: this runs on the
        // single SQLite writer for every event of a group, so it is kept cheap.
        var users = new Dictionary<(string, DateOnly, string), (int Events, int Active)>();
        var features = new Dictionary<(string, DateOnly, string), int>();
        foreach (var e in events)
        {
            var day = e.Day;
            ref var u = ref CollectionsMarshal.GetValueRefOrAddDefault(users, (e.AccountId, day, e.UserId), out _);
            u.Events++;
            if (catalogue.IsActive(e.EventName)) u.Active++;
            if (catalogue.IsKeyFeature(e.EventName)) CollectionsMarshal.GetValueRefOrAddDefault(features, (e.AccountId, day, e.EventName), out _)++;
        }
        var userDeltas = new UserDayDelta[users.Count];
        var i = 0;
        foreach (var (key, value) in users) userDeltas[i++] = new UserDayDelta(key.Item1, key.Item2, key.Item3, value.Events, value.Active);
        Array.Sort(userDeltas, static (x, y) => Compare(x.AccountId, x.Day, x.UserId, y.AccountId, y.Day, y.UserId));
        var featureDeltas = new FeatureDayDelta[features.Count];
        i = 0;
        foreach (var (key, value) in features) featureDeltas[i++] = new FeatureDayDelta(key.Item1, key.Item2, key.Item3, value);
        Array.Sort(featureDeltas, static (x, y) => Compare(x.AccountId, x.Day, x.Feature, y.AccountId, y.Day, y.Feature));
        return (userDeltas, featureDeltas);
    }

    private static int Compare(string account1, DateOnly day1, string name1, string account2, DateOnly day2, string name2)
    {
        var c = string.CompareOrdinal(account1, account2);
        if (c != 0) return c;
        c = day1.CompareTo(day2);
        return c != 0 ? c : string.CompareOrdinal(name1, name2);
    }

    /// <summary>
    /// Folds the user-day upserts' before/after states into account-day increments: events added, users seen for the first
    /// time that day, users active for the first time that day.
    /// </summary>
    public static IReadOnlyList<AccountDayDelta> ForAccounts(IEnumerable<(UserDayDelta Delta, int EventsAfter, int ActiveEventsAfter)> applied)
    {
        var accounts = new Dictionary<(string, DateOnly), AccountDayDelta>();
        foreach (var (delta, eventsAfter, activeAfter) in applied)
        {
            var key = (delta.AccountId, delta.Day);
            var current = accounts.GetValueOrDefault(key) ?? new AccountDayDelta(delta.AccountId, delta.Day, 0, 0, 0);
            var newUser = eventsAfter == delta.Events;
            var newlyActive = BecameActive(delta, activeAfter);
            accounts[key] = current with
            {
                Events = current.Events + delta.Events,
                Users = current.Users + (newUser ? 1 : 0),
                ActiveUsers = current.ActiveUsers + (newlyActive ? 1 : 0),
            };
        }
        return accounts.Values.OrderBy(a => a.AccountId, StringComparer.Ordinal).ThenBy(a => a.Day).ToArray();
    }

    /// <summary>Whether a user-day upsert made the day active: it had no active event before this delta.</summary>
    public static bool BecameActive(UserDayDelta delta, int activeEventsAfter) => delta.ActiveEvents > 0 && activeEventsAfter == delta.ActiveEvents;
}

/// <summary>What newly stored events add to one account's day.</summary>
public sealed record AccountDayDelta(string AccountId, DateOnly Day, long Events, int Users, int ActiveUsers);
