using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using CustomerHealth.Domain.Webhooks;
using CustomerHealth.Infrastructure.Webhooks;

namespace CustomerHealth.Server.Webhooks;

/// <summary>
/// POSTs one delivery: the event's JSON body, signed (<see cref="WebhookSignature"/>) with the subscription's secret at
/// the sending instant, through the named <see cref="HttpClient"/> <see cref="ClientName"/> (a timeout, no redirects
/// followed). A 2xx answer is success; anything else, a timeout or a network error is a failure to retry.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider clock)
{
    public const string ClientName = "webhooks";
    public const string EventIdHeader = "CustomerHealth-Event-Id";
    public const string EventTypeHeader = "CustomerHealth-Event-Type";
    public const string AttemptHeader = "CustomerHealth-Delivery-Attempt";

    public async Task<WebhookAttempt> SendAsync(WebhookDispatch delivery, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var signature = WebhookSignature.Header(delivery.Secret, clock.GetUtcNow(), body);
        request.Headers.Add(WebhookSignature.HeaderName, signature);
        request.Headers.Add(EventIdHeader, delivery.EventId);
        request.Headers.Add(EventTypeHeader, delivery.EventType);
        request.Headers.Add(AttemptHeader, (delivery.Attempts + 1).ToString(CultureInfo.InvariantCulture));
        try
        {
            using var response = await clients.CreateClient(ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new WebhookAttempt(delivery.DeliveryId, true, status, null)
                : new WebhookAttempt(delivery.DeliveryId, false, status, $"HTTP {status} {response.ReasonPhrase}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookAttempt(delivery.DeliveryId, false, null, "timed out");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A network error (HttpRequestException) or anything else this one request ran into: recorded as its
            // failed attempt, so the rest of the batch is recorded too.
            return new WebhookAttempt(delivery.DeliveryId, false, null, ex.GetBaseException().Message);
        }
    }
}
