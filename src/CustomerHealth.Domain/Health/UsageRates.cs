using System.Globalization;
using CustomerHealth.Domain.Engagement;

namespace CustomerHealth.Domain.Health;

/// <summary>One tracked event's use (a key feature or a metric event of the catalogue) in one account on one UTC
/// day.</summary>
public readonly record struct MetricDay(DateOnly Day, string EventName, long Events);

/// <summary>
/// What the usage-rate metrics are computed from: the catalogue's metric events and ratio pairs, and the account's
/// per-day counts of those events over the <see cref="UsageRates.LookbackDays"/> days up to the as-of day (from the
/// feature rollups; a day not listed had no such event).
/// </summary>
public sealed record MetricSignals(
    IReadOnlyList<string> Events, IReadOnlyList<MetricRatio> Ratios, IReadOnlyList<MetricDay> Days)
{
    public static MetricSignals None { get; } = new([], [], []);
}

/// <summary>The kinds of usage-rate metric, each named by a key such as <c>rate:report_created</c>.</summary>
public enum UsageMetricKind
{
    /// <summary><c>rate:e</c> — events of e per active user per 28 days.</summary>
    Rate,
    /// <summary><c>change:e</c> — relative change of e's count, last 28 days against the 28 before.</summary>
    Change,
    /// <summary><c>days_since:e</c> — days since e was last used (capped at 56).</summary>
    DaysSince,
    /// <summary><c>ratio:a/b</c> — events of a per event of b over the last 28 days.</summary>
    Ratio,
}

/// <summary>A parsed metric key.</summary>
public readonly record struct UsageMetricKey(UsageMetricKind Kind, string Event, string? Other = null)
{
    public override string ToString() => Kind switch
    {
        UsageMetricKind.Rate => UsageRates.RatePrefix + Event,
        UsageMetricKind.Change => UsageRates.ChangePrefix + Event,
        UsageMetricKind.DaysSince => UsageRates.DaysSincePrefix + Event,
        _ => $"{UsageRates.RatioPrefix}{Event}/{Other}",
    };
}

/// <summary>A metric's value (null: no data) with one English line saying what it is made of, or why it is
/// missing.</summary>
public readonly record struct UsageMetricValue(string Metric, double? Value, string Text);

/// <summary>
/// Usage-rate metrics (after C. Gold, <i>Fighting Churn With Data</i>): for each event name the catalogue marks (key
/// features and metric events), per account as of a day —
/// <list type="bullet">
/// <item><c>rate:e</c> = events of e in the last 28 days / monthly active users (the 30-day distinct count the score
/// already reads; at least 1). While the account has fewer than 28 days since its start, the count is scaled up to 28
/// days. No data before day 7, as for the usage components.</item>
/// <item><c>change:e</c> = events in the last 28 days / events in the 28 before − 1. No data until both windows lie
/// after the start (56 days) nor when e was not used in the earlier window.</item>
/// <item><c>days_since:e</c> = days from e's last use to the as-of day; not used in the last 56 days (or since the
/// start, when that is later): 56 or the days since the start, whichever is fewer. No data before day 7.</item>
/// <item><c>ratio:a/b</c> = events of a / events of b, both over the last 28 days; no data when b was not used.</item>
/// </list>
/// Pure: it reads only the signals' counts, which come from the daily feature rollups (no raw events).
/// </summary>
public static class UsageRates
{
    public const int WindowDays = 28;
    public const int LookbackDays = 2 * WindowDays;
    public const string RatePrefix = "rate:";
    public const string ChangePrefix = "change:";
    public const string DaysSincePrefix = "days_since:";
    public const string RatioPrefix = "ratio:";

    /// <summary>The longest metric key: a ratio of two event names of the longest length.</summary>
    public const int MaxKeyLength = 6 + 2 * EventRules.MaxEventNameLength + 1;

    /// <summary>The key parsed, or null (with the problem) when it names no metric kind or a malformed event
    /// name.</summary>
    public static (UsageMetricKey? Key, string? Problem) Parse(string? key)
    {
        if (string.IsNullOrEmpty(key)) return (null, "is required");
        if (key.Length > MaxKeyLength) return (null, $"must be at most {MaxKeyLength} characters");
        bool Has(string prefix) => key.StartsWith(prefix, StringComparison.Ordinal);
        (UsageMetricKind Kind, string Tail)? split =
            Has(RatePrefix) ? (UsageMetricKind.Rate, key[RatePrefix.Length..])
            : Has(ChangePrefix) ? (UsageMetricKind.Change, key[ChangePrefix.Length..])
            : Has(DaysSincePrefix) ? (UsageMetricKind.DaysSince, key[DaysSincePrefix.Length..])
            : Has(RatioPrefix) ? (UsageMetricKind.Ratio, key[RatioPrefix.Length..])
            : null;
        if (split is not { } s) return (null, "must start with rate:, change:, days_since: or ratio:");
        if (s.Kind != UsageMetricKind.Ratio)
            return Explain(s.Tail) is { } bad
                ? (null, $"names no valid event: {bad}")
                : (new UsageMetricKey(s.Kind, s.Tail), null);
        // Ratio events may not contain '/' (the catalogue refuses such pairs), so the key splits at its only '/'.
        var slash = s.Tail.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return (null, "must name two events as ratio:a/b");
        var (a, b) = (s.Tail[..slash], s.Tail[(slash + 1)..]);
        if (Explain(a) is { } badA) return (null, $"names no valid numerator event: {badA}");
        var badB = Explain(b) ?? (b.Contains('/', StringComparison.Ordinal) ? "must not contain '/'" : null);
        if (badB is not null) return (null, $"names no valid denominator event: {badB}");
        return a == b
            ? (null, "must divide two different events")
            : (new UsageMetricKey(UsageMetricKind.Ratio, a, b), null);
    }

    private static string? Explain(string name) => name.Length == 0 ? "is empty" : EventRules.ExplainEventName(name);

    /// <summary>Every metric the catalogue defines (rate, change and days since per metric event, then each ratio
    /// pair).</summary>
    public static IReadOnlyList<UsageMetricKey> KeysOf(MetricSignals metrics) =>
        metrics.Events.SelectMany(e => new[]
            {
                new UsageMetricKey(UsageMetricKind.Rate, e), new UsageMetricKey(UsageMetricKind.Change, e),
                new UsageMetricKey(UsageMetricKind.DaysSince, e),
            })
            .Concat(metrics.Ratios.Select(r => new UsageMetricKey(UsageMetricKind.Ratio, r.Numerator, r.Denominator)))
            .ToArray();

    /// <summary>The values of every metric the catalogue defines, as of the signals' day.</summary>
    public static IReadOnlyList<UsageMetricValue> All(AccountSignals signals)
    {
        var counts = new EventCounts(signals);
        return KeysOf(signals.Metrics).Select(k => counts.Value(k)).ToArray();
    }

    /// <summary>The value of one metric as of the signals' day.</summary>
    public static UsageMetricValue Value(AccountSignals signals, UsageMetricKey key) =>
        new EventCounts(signals).Value(key);

    /// <summary>The counts of one account's tracked events by window, taken once from its signals.</summary>
    internal sealed class EventCounts
    {
        private readonly AccountSignals _signals;
        private readonly HashSet<string> _known;
        private readonly Dictionary<string, (long Last, long Previous, DateOnly? LastUsed)> _byEvent =
            new(StringComparer.Ordinal);
        private readonly int _historyDays;
        private readonly DateOnly _day;

        public EventCounts(AccountSignals signals)
        {
            _signals = signals;
            _day = signals.AsOfDay;
            _historyDays = Math.Max(0, _day.DayNumber - signals.CustomerSince.DayNumber + 1);
            _known = signals.Metrics.Events.ToHashSet(StringComparer.Ordinal);
            var since = signals.CustomerSince;
            foreach (var d in signals.Metrics.Days)
            {
                var ago = _day.DayNumber - d.Day.DayNumber;
                if (ago < 0 || ago >= LookbackDays || d.Day < since || d.Events <= 0) continue;
                var c = _byEvent.GetValueOrDefault(d.EventName);
                if (ago < WindowDays) c.Last += d.Events;
                else c.Previous += d.Events;
                if (c.LastUsed is not { } used || d.Day > used) c.LastUsed = d.Day;
                _byEvent[d.EventName] = c;
            }
        }

        public UsageMetricValue Value(UsageMetricKey key)
        {
            var name = key.ToString();
            var unknown = new[] { key.Event, key.Other }.FirstOrDefault(e => e is not null && !_known.Contains(e));
            if (unknown is not null)
                return new(name, null, $"'{unknown}' is not a key feature or metric event of the catalogue");
            if (_historyDays < HealthScorer.MinimumUsageDays)
            {
                return new(name, null,
                    $"only {_historyDays} days since the start; needs {HealthScorer.MinimumUsageDays}");
            }
            var c = _byEvent.GetValueOrDefault(key.Event);
            return key.Kind switch
            {
                UsageMetricKind.Rate => Rate(name, key.Event, c.Last),
                UsageMetricKind.Change => Change(name, key.Event, c.Last, c.Previous),
                UsageMetricKind.DaysSince => DaysSince(name, key.Event, c.LastUsed),
                _ => Ratio(name, key.Event, c.Last, key.Other!, _byEvent.GetValueOrDefault(key.Other!).Last),
            };
        }

        private UsageMetricValue Rate(string name, string e, long count)
        {
            var users = Math.Max(1, _signals.Usage.ActiveUsersLast30Days);
            var observed = Math.Min(WindowDays, _historyDays);
            var rate = count * ((double)WindowDays / observed) / users;
            var window = observed == WindowDays
                ? $"the last {WindowDays} days"
                : $"{observed} days since the start, scaled to {WindowDays}";
            var mau = Plural(_signals.Usage.ActiveUsersLast30Days, "monthly active user");
            return new(name, rate,
                $"{Format(rate)} {e} per active user per {WindowDays} days ({count} in {window}; {mau})");
        }

        private UsageMetricValue Change(string name, string e, long now, long before)
        {
            if (_historyDays < LookbackDays)
            {
                return new(name, null,
                    $"needs {LookbackDays} days since the start to compare two {WindowDays}-day windows; " +
                    $"has {_historyDays}");
            }
            if (before == 0)
            {
                return new(name, null,
                    $"no {e} in the {WindowDays} days before the last {WindowDays} to compare with ({now} since)");
            }
            var change = (double)now / before - 1;
            var percent = change.ToString("+0%;-0%;0%", CultureInfo.InvariantCulture);
            return new(name, change,
                $"{e} {percent}: {now} in the last {WindowDays} days against {before} in the {WindowDays} before");
        }

        private UsageMetricValue DaysSince(string name, string e, DateOnly? lastUsed)
        {
            if (lastUsed is { } used)
            {
                var days = _day.DayNumber - used.DayNumber;
                return new(name, days, $"{e} last used {Plural(days, "day")} ago, on {used:yyyy-MM-dd}");
            }
            var cap = Math.Min(LookbackDays, _historyDays);
            return new(name, cap, cap == LookbackDays
                ? $"{e} not used in the last {LookbackDays} days (counted as {LookbackDays})"
                : $"{e} not used in the {_historyDays} days since the start (counted as {cap})");
        }

        private static UsageMetricValue Ratio(string name, string a, long numerator, string b, long denominator)
        {
            if (denominator == 0) return new(name, null, $"no {b} in the last {WindowDays} days to divide by");
            var ratio = (double)numerator / denominator;
            return new(name, ratio,
                $"{Format(ratio)} {a} per {b} in the last {WindowDays} days ({numerator} against {denominator})");
        }

        private static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        private static string Plural(long n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
    }
}
