using System.Globalization;
using CustomerHealth.Infrastructure.Webhooks;
using CustomerHealth.Server.Audit;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Webhooks;

/// <summary>customerhealth.v1.WebhookService: read the request, call the webhook stores, map the result.</summary>
public sealed class WebhookGrpcService(WebhookSubscriptionStore subscriptions, WebhookDeliveryStore deliveries)
    : Stubs.WebhookService.WebhookServiceBase
{
    public static readonly string ServiceName = WebhookService.Descriptor.FullName;

    public override async Task<CreateWebhookSubscriptionResponse> CreateWebhookSubscription(
        CreateWebhookSubscriptionRequest request, ServerCallContext context)
    {
        var spec = WebhookRequests.Read(request);
        var row = await subscriptions.CreateAsync(spec, context.Caller(), context.CancellationToken);
        return new CreateWebhookSubscriptionResponse { Subscription = row.ToProto() };
    }

    public override async Task<GetWebhookSubscriptionResponse> GetWebhookSubscription(
        GetWebhookSubscriptionRequest request, ServerCallContext context)
    {
        var row = await subscriptions.GetAsync(WebhookRequests.Read(request), context.CancellationToken);
        return new GetWebhookSubscriptionResponse { Subscription = row.ToProto() };
    }

    public override async Task<ListWebhookSubscriptionsResponse> ListWebhookSubscriptions(
        ListWebhookSubscriptionsRequest request, ServerCallContext context)
    {
        var (pageSize, after) = WebhookRequests.Read(request);
        var rows = await subscriptions.ListAsync(after, pageSize, context.CancellationToken);
        var response = new ListWebhookSubscriptionsResponse();
        response.Subscriptions.AddRange(rows.Take(pageSize).Select(r => r.ToProto()));
        if (rows.Count > pageSize)
            response.NextPageToken = NextToken(WebhookRequests.SubscriptionsFingerprint, rows[pageSize - 1].Id);
        return response;
    }

    public override async Task<UpdateWebhookSubscriptionResponse> UpdateWebhookSubscription(
        UpdateWebhookSubscriptionRequest request, ServerCallContext context)
    {
        var (id, spec) = WebhookRequests.Read(request);
        var row = await subscriptions.UpdateAsync(id, spec, context.Caller(), context.CancellationToken);
        return new UpdateWebhookSubscriptionResponse { Subscription = row.ToProto() };
    }

    public override async Task<DeleteWebhookSubscriptionResponse> DeleteWebhookSubscription(
        DeleteWebhookSubscriptionRequest request, ServerCallContext context)
    {
        var id = WebhookRequests.Read(request);
        var deleted = await subscriptions.DeleteAsync(id, context.Caller(), context.CancellationToken);
        return new DeleteWebhookSubscriptionResponse { DeletedDeliveries = deleted };
    }

    public override async Task<ListWebhookDeadLettersResponse> ListWebhookDeadLetters(
        ListWebhookDeadLettersRequest request, ServerCallContext context)
    {
        var (subscriptionId, pageSize, after, fingerprint) = WebhookRequests.Read(request);
        var letters = await deliveries.DeadLettersAsync(subscriptionId, after, pageSize, context.CancellationToken);
        var response = new ListWebhookDeadLettersResponse();
        response.Deliveries.AddRange(letters.Take(pageSize).Select(l => l.ToProto()));
        if (letters.Count > pageSize)
            response.NextPageToken = NextToken(fingerprint, letters[pageSize - 1].Delivery.Id);
        return response;
    }

    public override async Task<RedeliverWebhookDeliveriesResponse> RedeliverWebhookDeliveries(
        RedeliverWebhookDeliveriesRequest request, ServerCallContext context)
    {
        var (ids, subscriptionId) = WebhookRequests.Read(request);
        var requeued = await deliveries.RedeliverAsync(ids, subscriptionId, context.Caller(),
            context.CancellationToken);
        return new RedeliverWebhookDeliveriesResponse { Requeued = requeued };
    }

    private static string NextToken(string fingerprint, long lastId) =>
        PageToken.Encode(fingerprint, lastId.ToString(CultureInfo.InvariantCulture));
}
