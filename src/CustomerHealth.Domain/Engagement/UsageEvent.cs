namespace CustomerHealth.Domain.Engagement;

/// <summary>A product-usage event as received, before validation.</summary>
public sealed record UsageEvent(
    string EventId,
    string AccountId,
    string UserId,
    string EventName,
    DateTime? OccurredAt,
    double? Quantity,
    IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The UTC day the event belongs to.</summary>
    public DateOnly Day =>
        DateOnly.FromDateTime(OccurredAt ?? throw new InvalidOperationException("The event has no time."));
}

/// <summary>Why an event was rejected.</summary>
public enum EventRejectionReason
{
    Unspecified = 0,
    MissingField = 1,
    InvalidField = 2,
    TooLong = 3,
    UnknownAccount = 4,
    InFuture = 5,
    TooOld = 6,
}

/// <summary>A rejected event: its index in the batch, its id, why, and a sentence naming the field.</summary>
public sealed record EventRejection(int Index, string EventId, EventRejectionReason Reason, string Message);

/// <summary>The result of one batch: counts and the rejections in batch order.</summary>
public sealed record EventBatchOutcome(int Accepted, int Duplicates, IReadOnlyList<EventRejection> Rejections)
{
    public int Rejected => Rejections.Count;
}
