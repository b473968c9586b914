using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Webhooks;
using CustomerHealth.Infrastructure.Webhooks;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Webhooks;

/// <summary>
/// Reads the webhook service's requests, reporting every violation at once (INVALID_ARGUMENT). Secrets are checked
/// for length only and never quoted back.
/// </summary>
public static class WebhookRequests
{
    /// <summary>The bounds of the caller-controlled fields of the webhook service.</summary>
    public static class Limits
    {
        public const int Url = WebhookUrls.MaxLength;
        public const int MinSecret = 16;
        public const int Secret = 256;
        public const int EventTypes = 20;
        public const int EventType = WebhookEventTypes.MaxLength;
        public const int Description = 500;
        public const int DeliveryIds = 1000;

        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Length<V1.CreateWebhookSubscriptionRequest>("url", Url),
            FieldLimit.Length<V1.CreateWebhookSubscriptionRequest>("secret", Secret),
            FieldLimit.Count<V1.CreateWebhookSubscriptionRequest>("event_types", EventTypes),
            FieldLimit.Length<V1.CreateWebhookSubscriptionRequest>("event_types[]", EventType),
            FieldLimit.Length<V1.CreateWebhookSubscriptionRequest>("description", Description),
            FieldLimit.Length<V1.UpdateWebhookSubscriptionRequest>("url", Url),
            FieldLimit.Length<V1.UpdateWebhookSubscriptionRequest>("secret", Secret),
            FieldLimit.Count<V1.UpdateWebhookSubscriptionRequest>("event_types", EventTypes),
            FieldLimit.Length<V1.UpdateWebhookSubscriptionRequest>("event_types[]", EventType),
            FieldLimit.Length<V1.UpdateWebhookSubscriptionRequest>("description", Description),
            FieldLimit.Length<V1.ListWebhookSubscriptionsRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Length<V1.ListWebhookDeadLettersRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Count<V1.RedeliverWebhookDeliveriesRequest>("delivery_ids", DeliveryIds),
        ];
    }

    /// <summary>What ListWebhookSubscriptions' page tokens are bound to (it has no filters).</summary>
    public const string SubscriptionsFingerprint = "webhook-subscriptions";

    public static WebhookSubscriptionSpec Read(V1.CreateWebhookSubscriptionRequest request)
    {
        var v = new Violations();
        var spec = ReadSpec(v, request.Url, request.Secret, secretRequired: true, request.EventTypes,
            request.Description, request.Paused);
        v.ThrowIfAny();
        return spec;
    }

    public static (long Id, WebhookSubscriptionSpec Spec) Read(V1.UpdateWebhookSubscriptionRequest request)
    {
        var v = new Violations();
        ReadId(v, "id", request.Id);
        var spec = ReadSpec(v, request.Url, request.Secret, secretRequired: false, request.EventTypes,
            request.Description, request.Paused);
        v.ThrowIfAny();
        return (request.Id, spec);
    }

    public static long Read(V1.GetWebhookSubscriptionRequest request) => CheckedId(request.Id);

    public static long Read(V1.DeleteWebhookSubscriptionRequest request) => CheckedId(request.Id);

    /// <summary>The page size and the last id of the previous page (0 for the first).</summary>
    public static (int PageSize, long AfterId) Read(V1.ListWebhookSubscriptionsRequest request)
    {
        var v = new Violations();
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var after = ReadAfterId(v, request.PageToken, SubscriptionsFingerprint);
        v.ThrowIfAny();
        return (pageSize, after);
    }

    public static (long? SubscriptionId, int PageSize, long AfterId, string Fingerprint) Read(
        V1.ListWebhookDeadLettersRequest request)
    {
        var v = new Violations();
        if (request.SubscriptionId < 0) v.Add("subscription_id", "must be 0 (every subscription) or an id from 1 up");
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var fingerprint = "webhook-dead-letters|" + request.SubscriptionId.ToString(CultureInfo.InvariantCulture);
        var after = ReadAfterId(v, request.PageToken, fingerprint);
        v.ThrowIfAny();
        return (request.SubscriptionId == 0 ? null : request.SubscriptionId, pageSize, after, fingerprint);
    }

    public static (IReadOnlyList<long> DeliveryIds, long SubscriptionId) Read(
        V1.RedeliverWebhookDeliveriesRequest request)
    {
        var v = new Violations();
        if (request.DeliveryIds.Count > Limits.DeliveryIds)
            v.Add("delivery_ids", $"may hold at most {Limits.DeliveryIds} ids (got {request.DeliveryIds.Count})");
        else if (request.DeliveryIds.Any(id => id <= 0)) v.Add("delivery_ids", "must hold ids from 1 up");
        if (request.DeliveryIds.Count > 0 && request.SubscriptionId != 0)
            v.Add("subscription_id", "must be 0 when delivery_ids are given");
        else if (request.DeliveryIds.Count == 0) ReadId(v, "subscription_id", request.SubscriptionId);
        v.ThrowIfAny();
        return ([.. request.DeliveryIds.Distinct()], request.SubscriptionId);
    }

    private static WebhookSubscriptionSpec ReadSpec(Violations v, string url, string secret, bool secretRequired,
        IReadOnlyList<string> eventTypes, string description, bool paused)
    {
        if (WebhookUrls.Explain(url) is { } problem) v.Add("url", problem);
        if (secret.Length == 0 && secretRequired) v.Add("secret", "is required");
        else if (secret.Length > 0 && (secret.Length < Limits.MinSecret || secret.Length > Limits.Secret))
            v.Add("secret", $"must be {Limits.MinSecret} to {Limits.Secret} characters (got {secret.Length})");
        else if (secret.Any(char.IsControl)) v.Add("secret", "must not contain control characters");
        ReadEventTypes(v, eventTypes);
        v.Text("description", description, Limits.Description);
        return new WebhookSubscriptionSpec(url, secret.Length == 0 ? null : secret, [.. eventTypes],
            string.IsNullOrWhiteSpace(description) ? null : description.Trim(), paused);
    }

    private static void ReadEventTypes(Violations v, IReadOnlyList<string> eventTypes)
    {
        if (eventTypes.Count == 0) v.Add("event_types", "is required: at least one event type");
        else if (eventTypes.Count > Limits.EventTypes)
            v.Add("event_types", $"may hold at most {Limits.EventTypes} types (got {eventTypes.Count})");
        else if (eventTypes.Distinct(StringComparer.Ordinal).Count() != eventTypes.Count)
            v.Add("event_types", "must name each type once");
        else if (eventTypes.FirstOrDefault(t => !WebhookEventTypes.All.Contains(t)) is { } unknown)
            v.Add("event_types", $"must be known types ({string.Join(", ", WebhookEventTypes.All)}); got "
                + Excerpt.Of(unknown));
    }

    private static long CheckedId(long id)
    {
        var v = new Violations();
        ReadId(v, "id", id);
        v.ThrowIfAny();
        return id;
    }

    private static void ReadId(Violations v, string field, long id)
    {
        if (id <= 0) v.Add(field, "is required: an id from 1 up");
    }

    private static long ReadAfterId(Violations v, string token, string fingerprint)
    {
        if (PageToken.Decode(v, token, fingerprint, keyParts: 1) is not { } key) return 0;
        if (long.TryParse(key[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return id;
        v.Add("page_token", PageToken.NotIssuedHere);
        return 0;
    }
}
