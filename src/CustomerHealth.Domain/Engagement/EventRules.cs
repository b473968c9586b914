using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Engagement;

/// <summary>The rules an event must follow to be stored, and the limits of a batch.</summary>
public sealed record EventRules(int RetentionDays = EventRules.DefaultRetentionDays)
{
    public const int DefaultRetentionDays = 400;
    public const int MaxEventsPerBatch = 5000;
    public const int MaxSourceLength = 64;
    public const int MaxEventNameLength = 100;
    public const int MaxProperties = 32;
    public const int MaxPropertyKeyLength = 64;
    public const int MaxPropertyValueLength = 512;

    /// <summary>How far ahead of the server's clock an event may be (clients' clocks drift).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// What a caller's unreadable timestamp is mapped to, so that the event is rejected as invalid rather than missing.
    /// </summary>
    public static readonly DateTime InvalidTime = DateTime.MinValue;

    /// <summary>
    /// The rules of a batch as a whole (its source, its size), every broken one in the result; the per-event rules are
    /// reported per event instead (<see cref="Check"/>).
    /// </summary>
    public static Violations CheckBatch(string source, int eventCount)
    {
        var v = new Violations();
        if (string.IsNullOrEmpty(source)) v.Add("source", "is required");
        else if (source.Length > MaxSourceLength)
            v.Add("source", $"must be at most {MaxSourceLength} characters (got {source.Length})");
        else if (Identifiers.Explain(source) is { } problem) v.Add("source", problem);
        if (eventCount == 0) v.Add("events", "must hold at least one event");
        else if (eventCount > MaxEventsPerBatch)
        {
            var limit = $"must hold at most {MaxEventsPerBatch} events per batch";
            v.Add("events", $"{limit} (got {eventCount}); split the batch");
        }
        return v;
    }

    /// <summary>
    /// Throws <see cref="ValidationException"/> when the batch breaks a rule of <see cref="CheckBatch"/>.
    /// </summary>
    public static void ValidateBatch(string source, int eventCount) => CheckBatch(source, eventCount).ThrowIfAny();

    /// <summary>The first UTC day whose raw events are kept on <paramref name="today"/>.</summary>
    public DateOnly FirstRetainedDay(DateOnly today) => today.AddDays(-RetentionDays);

    /// <summary>Checks one event against the rules as of <paramref name="now"/>; null when it may be stored.</summary>
    public (EventRejectionReason Reason, string Message)? Check(UsageEvent e, DateTime now)
    {
        if (string.IsNullOrEmpty(e.EventId)) return Missing("event_id");
        if (Identifiers.ExplainToken(e.EventId) is { } idProblem) return Problem("event_id", idProblem);
        if (string.IsNullOrEmpty(e.AccountId)) return Missing("account_id");
        if (Identifiers.Explain(e.AccountId) is { } accountProblem) return Problem("account_id", accountProblem);
        if (string.IsNullOrEmpty(e.UserId)) return Missing("user_id");
        if (Identifiers.ExplainToken(e.UserId) is { } userProblem) return Problem("user_id", userProblem);
        if (string.IsNullOrWhiteSpace(e.EventName)) return Missing("event_name");
        if (ExplainEventName(e.EventName) is { } nameProblem) return Problem("event_name", nameProblem);
        if (e.OccurredAt is not { } occurredAt) return Missing("occur_time");
        if (occurredAt == InvalidTime) return (EventRejectionReason.InvalidField,
            "occur_time is not a valid timestamp (seconds or nanos out of range)");
        if (occurredAt > now + MaxClockSkew)
            return (EventRejectionReason.InFuture,
                $"occur_time {occurredAt:O} is more than {MaxClockSkew.TotalMinutes:0} minutes ahead of the server's " +
                $"clock");
        if (DateOnly.FromDateTime(occurredAt) < FirstRetainedDay(DateOnly.FromDateTime(now)))
            return (EventRejectionReason.TooOld,
                $"occur_time {occurredAt:O} is older than the {RetentionDays}-day retention of raw events");
        if (e.Quantity is { } q && (!double.IsFinite(q) || q < 0))
            return (EventRejectionReason.InvalidField, "quantity must be a finite number, zero or more");
        if (e.Properties.Count > MaxProperties)
            return (EventRejectionReason.TooLong,
                $"properties may hold at most {MaxProperties} entries (got {e.Properties.Count})");
        foreach (var (key, value) in e.Properties)
        {
            if (key.Length is 0 or > MaxPropertyKeyLength)
                return (EventRejectionReason.TooLong,
                    $"properties keys must be 1 to {MaxPropertyKeyLength} characters (got '{Truncate(key)}')");
            if (value.Length > MaxPropertyValueLength)
                return (EventRejectionReason.TooLong,
                    $"properties['{Truncate(key)}'] must be at most {MaxPropertyValueLength} characters");
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="name"/> is not a valid event name, or null: 1 to 100 characters, no control characters.
    /// </summary>
    public static string? ExplainEventName(string name) =>
        name.Length > MaxEventNameLength ? $"must be at most {MaxEventNameLength} characters (got {name.Length})"
        : name.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || name.AsSpan().ContainsAnyInRange('\u007f', '\u009f')
            ? "must not contain control characters"
        : name.Trim().Length != name.Length ? "must not start or end with white space"
        : null;

    private static (EventRejectionReason, string) Missing(string field) =>
        (EventRejectionReason.MissingField, $"{field} is required");

    private static (EventRejectionReason, string) Problem(string field, string problem) =>
        (problem.StartsWith("must be at most", StringComparison.Ordinal) ? EventRejectionReason.TooLong
            : EventRejectionReason.InvalidField, $"{field} {problem}");

    private static string Truncate(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
