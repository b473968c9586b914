using CustomerHealth.Infrastructure.Webhooks;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Webhooks;

/// <summary>Webhook rows to contract messages. A subscription's secret has no field to go to.</summary>
public static class WebhookMapping
{
    public static V1.WebhookSubscription ToProto(this WebhookSubscriptionRow row) =>
        new()
        {
            Id = row.Id,
            Url = row.Url,
            EventTypes = { row.EventTypeList },
            Description = row.Description ?? "",
            Paused = row.Paused,
            CreateTime = ProtoConvert.ToTimestamp(row.CreatedAt),
            CreatedBy = row.CreatedBy,
            UpdateTime = ProtoConvert.ToTimestamp(row.UpdatedAt),
            UpdatedBy = row.UpdatedBy,
        };

    public static V1.WebhookDelivery ToProto(this WebhookDeadLetter letter)
    {
        var (d, e) = (letter.Delivery, letter.Event);
        var message = new V1.WebhookDelivery
        {
            Id = d.Id,
            SubscriptionId = d.SubscriptionId,
            EventId = e.EventId,
            EventType = e.Type,
            State = (V1.WebhookDeliveryState)d.State,
            Attempts = d.Attempts,
            EventTime = ProtoConvert.ToTimestamp(e.CreatedAt),
            LastStatusCode = d.LastStatusCode ?? 0,
            LastError = d.LastError ?? "",
            PayloadJson = e.Body,
        };
        if (d.LastAttemptAt is { } at) message.LastAttemptTime = ProtoConvert.ToTimestamp(at);
        return message;
    }
}
