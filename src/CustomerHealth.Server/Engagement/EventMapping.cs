using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Engagement;

/// <summary>
/// Event batch outcomes, the event catalogue and daily usage mapped to v1 (requests: <see cref="EventRequests"/>).
/// </summary>
public static class EventMapping
{
    public static V1.EventBatchResult ToProto(this EventBatchOutcome outcome)
    {
        var result = new V1.EventBatchResult
        {
            Accepted = outcome.Accepted, Duplicates = outcome.Duplicates,
            Rejected = outcome.Rejected
        };
        result.Rejections.AddRange(outcome.Rejections.Select(r => new V1.EventRejection
        {
            Index = r.Index,
            EventId = r.EventId,
            Reason = (V1.EventRejectionReason)r.Reason,
            Message = r.Message,
        }));
        return result;
    }

    public static V1.EventCatalogue ToProto(this EventCatalogue catalogue)
    {
        var message = new V1.EventCatalogue
        {
            Version = catalogue.Version,
            UpdatedBy = catalogue.UpdatedBy ?? "",
            UpdateTime = catalogue.UpdatedAt is { } at ? ProtoConvert.ToTimestamp(at) : null,
        };
        message.Events.AddRange(catalogue.Entries.Select(e => new V1.CatalogueEvent
        {
            EventName = e.EventName,
            Active = e.Active,
            KeyFeature = e.KeyFeature,
            FirstValue = e.FirstValue,
            Description = e.Description ?? "",
            Metric = e.Metric,
            RatioTo = { e.RatioTo ?? [] },
        }));
        return message;
    }

    public static V1.DailyUsage ToProto(this DailyUsageRow row)
    {
        var message = new V1.DailyUsage
        {
            Day = ProtoConvert.ToDate(row.Day), Events = row.Events, Users = row.Users,
            ActiveUsers = row.ActiveUsers
        };
        foreach (var (feature, events) in row.KeyFeatureEvents) message.KeyFeatureEvents[feature] = events;
        return message;
    }
}
