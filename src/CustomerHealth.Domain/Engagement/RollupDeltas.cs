using System.Runtime.InteropServices;

namespace CustomerHealth.Domain.Engagement;

/// <summary>What a set of newly stored events adds to one user's day.</summary>
public sealed record UserDayDelta(string AccountId, DateOnly Day, string UserId, int Events, int ActiveEvents);

/// <summary>What a set of newly stored events adds to one account's count of a tracked event (key feature or metric) on
/// a day.</summary>
public sealed record FeatureDayDelta(string AccountId, DateOnly Day, string Feature, int Events);

/// <summary>
/// The increments that newly stored events make to the daily rollups. Rollups are sums, so they can be maintained by
/// adding these deltas in any order: late and out-of-order events land on their own day. Account-level user counts
/// follow from the user-day rows' transitions (see <see cref="AccountDayDelta"/>).
/// </summary>
public static class RollupDeltas
{
    /// <summary>Groups events by user-day and by tracked-event-day (key features and metric events), sorted by key so
    /// writers lock rows in one order.</summary>
    public static (IReadOnlyList<UserDayDelta> Users, IReadOnlyList<FeatureDayDelta> Features) From(
        IEnumerable<UsageEvent> events, EventCatalogue catalogue)
    {
        // One hash lookup per event and key (the value updated in place), and one sort of plain arrays: this runs on
        // the single SQLite writer for every event of a group, so it is kept cheap.
        var users = new Dictionary<(string, DateOnly, string), (int Events, int Active)>();
        var features = new Dictionary<(string, DateOnly, string), int>();
        foreach (var e in events)
        {
            var day = e.Day;
            ref var u = ref CollectionsMarshal.GetValueRefOrAddDefault(users, (e.AccountId, day, e.UserId), out _);
            u.Events++;
            if (catalogue.IsActive(e.EventName)) u.Active++;
            if (catalogue.IsTracked(e.EventName))
                CollectionsMarshal.GetValueRefOrAddDefault(features, (e.AccountId, day, e.EventName), out _)++;
        }
        // Sorted by (account, day, name) through each account's rank among the accounts present: the comparisons are
        // integers but for two rows of one account-day, and the account ids (often long, with long shared prefixes) are
        // compared only once per distinct account.
        // every event has a user-day, so every account is here
        var ranks = AccountRanks(users.Keys.Select(k => k.Item1));
        var userKeys = new SortKey[users.Count];
        var userDeltas = new UserDayDelta[users.Count];
        var i = 0;
        foreach (var (key, value) in users)
        {
            userKeys[i] = new SortKey(ranks[key.Item1], key.Item2.DayNumber, key.Item3);
            userDeltas[i++] = new UserDayDelta(key.Item1, key.Item2, key.Item3, value.Events, value.Active);
        }
        Array.Sort(userKeys, userDeltas);
        var featureKeys = new SortKey[features.Count];
        var featureDeltas = new FeatureDayDelta[features.Count];
        i = 0;
        foreach (var (key, value) in features)
        {
            featureKeys[i] = new SortKey(ranks[key.Item1], key.Item2.DayNumber, key.Item3);
            featureDeltas[i++] = new FeatureDayDelta(key.Item1, key.Item2, key.Item3, value);
        }
        Array.Sort(featureKeys, featureDeltas);
        return (userDeltas, featureDeltas);
    }

    /// <summary>Each distinct account id's position in ordinal order.</summary>
    internal static Dictionary<string, int> AccountRanks(IEnumerable<string> accountIds)
    {
        var distinct = accountIds.Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(distinct, StringComparer.Ordinal);
        var ranks = new Dictionary<string, int>(distinct.Length, StringComparer.Ordinal);
        for (var i = 0; i < distinct.Length; i++) ranks[distinct[i]] = i;
        return ranks;
    }

    /// <summary>(account, day, name) order, with the account as its rank (<see cref="AccountRanks"/>).</summary>
    internal readonly record struct SortKey(int Account, int Day, string Name) : IComparable<SortKey>
    {
        public int CompareTo(SortKey other)
        {
            var c = Account.CompareTo(other.Account);
            if (c != 0) return c;
            c = Day.CompareTo(other.Day);
            return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
        }
    }

    /// <summary>
    /// Folds the user-day upserts' before/after states into account-day increments: events added, users seen for the
    /// first time that day, users active for the first time that day.
    /// </summary>
    public static IReadOnlyList<AccountDayDelta> ForAccounts(
        IEnumerable<(UserDayDelta Delta, int EventsAfter, int ActiveEventsAfter)> applied)
    {
        var accounts = new Dictionary<(string, DateOnly), (long Events, int Users, int ActiveUsers)>();
        foreach (var (delta, eventsAfter, activeAfter) in applied)
        {
            ref var a = ref CollectionsMarshal.GetValueRefOrAddDefault(accounts, (delta.AccountId, delta.Day), out _);
            a.Events += delta.Events;
            if (eventsAfter == delta.Events) a.Users++;
            if (BecameActive(delta, activeAfter)) a.ActiveUsers++;
        }
        var ranks = AccountRanks(accounts.Keys.Select(k => k.Item1));
        var keys = new SortKey[accounts.Count];
        var deltas = new AccountDayDelta[accounts.Count];
        var i = 0;
        foreach (var (key, value) in accounts)
        {
            keys[i] = new SortKey(ranks[key.Item1], key.Item2.DayNumber, "");
            deltas[i++] = new AccountDayDelta(key.Item1, key.Item2, value.Events, value.Users, value.ActiveUsers);
        }
        Array.Sort(keys, deltas);
        return deltas;
    }

    /// <summary>Whether a user-day upsert made the day active: it had no active event before this delta.</summary>
    public static bool BecameActive(UserDayDelta delta, int activeEventsAfter) =>
        delta.ActiveEvents > 0 && activeEventsAfter == delta.ActiveEvents;
}

/// <summary>What newly stored events add to one account's day.</summary>
public sealed record AccountDayDelta(string AccountId, DateOnly Day, long Events, int Users, int ActiveUsers);
