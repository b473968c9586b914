using System.Text.Json;
using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Infrastructure.Webhooks;

/// <summary>
/// The one way into outbound webhooks (docs/webhooks.md, docs/adr/0070-webhook-outbox-in-the-changing-transaction.md):
/// adds an event to the outbox in the unit of work of the change that causes it, so that the event is queued if and
/// only if the change commits. Call it before the <c>SaveChanges</c> / commit of the change's transaction, as with
/// <see cref="Audit.AuditTrail.Add"/>; the dispatcher delivers it to every subscription of its type afterwards.
/// </summary>
public static class WebhookOutbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>
    /// Adds an event of <paramref name="eventType"/> (one of <see cref="Domain.Webhooks.WebhookEventTypes.All"/>) to
    /// <paramref name="db"/>'s change tracker; it is written by the next save. <paramref name="payload"/> becomes the
    /// body's <c>data</c> (serialised with snake_case names; an anonymous object is fine). Returns the event's id.
    /// </summary>
    public static string Enqueue(CustomerHealthDbContext db, string eventType, object payload, DateTime atUtc)
    {
        var row = Event(eventType, payload, atUtc);
        db.WebhookEvents.Add(row);
        return row.EventId;
    }

    /// <summary>
    /// The outbox row of an event, as <see cref="Enqueue"/> adds it, for a writer that stores rows itself (the
    /// recompute's set-based writers): still in the transaction of the change that causes it. The event's id is a
    /// version 7 GUID: unique like a random one (74 random bits), but its leading bits are the creation time, so each
    /// new id goes to the end of the outbox's unique index instead of a random page of it (a recompute that opens
    /// 100,000 plays queues as many events). Receivers only compare ids (docs/webhooks.md).
    /// </summary>
    internal static WebhookEventRow Event(string eventType, object payload, DateTime atUtc)
    {
        if (!Domain.Webhooks.WebhookEventTypes.All.Contains(eventType))
            throw new ArgumentException($"'{eventType}' is not a known webhook event type.", nameof(eventType));
        var eventId = "evt_" + Guid.CreateVersion7().ToString("N");
        var createdAt = DateTime.SpecifyKind(atUtc, DateTimeKind.Utc);
        var body = new { id = eventId, type = eventType, created_at = createdAt, data = payload };
        return new WebhookEventRow
        {
            EventId = eventId,
            Type = eventType,
            Body = JsonSerializer.Serialize(body, Json),
            CreatedAt = atUtc,
        };
    }

    /// <summary>An enum value as payloads name it: <c>AtRisk</c> → <c>at_risk</c>.</summary>
    public static string Name<T>(T value) where T : struct, Enum =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
