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
        var users = new Dictionary<(string, DateOnly, string), (int Events, int Active)>();
        var features = new Dictionary<(string, DateOnly, string), int>();
        foreach (var e in events)
        {
            var day = e.Day;
            var userKey = (e.AccountId, day, e.UserId);
            users.TryGetValue(userKey, out var u);
            users[userKey] = (u.Events + 1, u.Active + (catalogue.IsActive(e.EventName) ? 1 : 0));
            if (catalogue.IsKeyFeature(e.EventName))
            {
                var featureKey = (e.AccountId, day, e.EventName);
                features[featureKey] = features.GetValueOrDefault(featureKey) + 1;
            }
        }
        return (
            users.Select(kv => new UserDayDelta(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Value.Events, kv.Value.Active))
                .OrderBy(d => d.AccountId, StringComparer.Ordinal).ThenBy(d => d.Day).ThenBy(d => d.UserId, StringComparer.Ordinal).ToArray(),
            features.Select(kv => new FeatureDayDelta(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Value))
                .OrderBy(d => d.AccountId, StringComparer.Ordinal).ThenBy(d => d.Day).ThenBy(d => d.Feature, StringComparer.Ordinal).ToArray());
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
