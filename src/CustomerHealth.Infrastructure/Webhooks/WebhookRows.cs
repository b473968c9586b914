namespace CustomerHealth.Infrastructure.Webhooks;

/// <summary>Where a delivery stands (values match the contract's <c>WebhookDeliveryState</c>; never
/// renumber).</summary>
public enum WebhookDeliveryState
{
    Unspecified = 0,
    Pending = 1,
    Delivered = 2,
    Dead = 3,
}

/// <summary>
/// A webhook subscription (table <c>webhook_subscriptions</c>): where events go, which types, and the secret they are
/// signed with. The event types are one comma-separated column: a subscription names a handful, and the dispatcher
/// matches them in memory.
/// </summary>
public sealed class WebhookSubscriptionRow
{
    public long Id { get; init; }
    public required string Url { get; set; }
    public required string Secret { get; set; }
    public required string EventTypes { get; set; }
    public string? Description { get; set; }
    public bool Paused { get; set; }
    public DateTime CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTime UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }

    public IReadOnlyList<string> EventTypeList =>
        EventTypes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// One event in the outbox (table <c>webhook_events</c>), written by <see cref="WebhookOutbox.Enqueue"/> in the
/// transaction of the change that causes it. The body is the exact JSON every delivery sends. The dispatcher fans it
/// out to the subscriptions of its type (one <see cref="WebhookDeliveryRow"/> each) and stamps
/// <see cref="FannedOutAt"/>.
/// </summary>
public sealed class WebhookEventRow
{
    public long Id { get; init; }
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public required string Body { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? FannedOutAt { get; set; }
}

/// <summary>One event's delivery to one subscription (table <c>webhook_deliveries</c>), with its attempts.</summary>
public sealed class WebhookDeliveryRow
{
    public const int MaxErrorLength = 500;

    public long Id { get; init; }
    public long SubscriptionId { get; init; }
    public long EventId { get; init; }
    public WebhookDeliveryState State { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTime? DeliveredAt { get; set; }
}
