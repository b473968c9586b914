using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Engagement;

/// <summary>
/// The NPS, support-ticket and touchpoint RPCs: read the request, call the signal store, map the result.
/// </summary>
public sealed partial class EngagementGrpcService
{
    public override async Task<RecordNpsResponseResponse> RecordNpsResponse(
        RecordNpsResponseRequest request, ServerCallContext context)
    {
        var input = SignalRequests.Read(request, _signals.CurrentTime);
        var (response, created) = await _signals.RecordNpsResponseAsync(input, context.CancellationToken);
        return new RecordNpsResponseResponse { Response = response.ToProto(), Created = created };
    }

    public override async Task<ListNpsResponsesResponse> ListNpsResponses(
        ListNpsResponsesRequest request, ServerCallContext context)
    {
        var (accountId, pageSize, after, fingerprint) = SignalRequests.Read(request);
        var page = await _signals.ListNpsResponsesAsync(accountId, pageSize, after, context.CancellationToken);
        var response = new ListNpsResponsesResponse();
        response.Responses.AddRange(page.Items.Select(n => n.ToProto()));
        if (page.HasMore)
        {
            var last = page.Items[^1];
            response.NextPageToken = SignalRequests.NextToken(fingerprint, new SignalCursor(last.AnsweredAt, last.Id));
        }
        return response;
    }

    public override async Task<UpsertSupportTicketResponse> UpsertSupportTicket(
        UpsertSupportTicketRequest request, ServerCallContext context)
    {
        var input = SignalRequests.Read(request, _signals.CurrentTime);
        var (ticket, created) = await _signals.UpsertSupportTicketAsync(input, context.CancellationToken);
        return new UpsertSupportTicketResponse { Ticket = ticket.ToProto(), Created = created };
    }

    public override async Task<ListSupportTicketsResponse> ListSupportTickets(
        ListSupportTicketsRequest request, ServerCallContext context)
    {
        var (accountId, openOnly, pageSize, after, fingerprint) = SignalRequests.Read(request);
        var page = await _signals.ListSupportTicketsAsync(
            accountId, openOnly, pageSize, after, context.CancellationToken);
        var response = new ListSupportTicketsResponse();
        response.Tickets.AddRange(page.Items.Select(t => t.ToProto()));
        if (page.HasMore)
        {
            var last = page.Items[^1];
            response.NextPageToken = SignalRequests.NextToken(fingerprint, new SignalCursor(last.OpenedAt, last.Id));
        }
        return response;
    }

    public override async Task<RecordTouchpointResponse> RecordTouchpoint(
        RecordTouchpointRequest request, ServerCallContext context)
    {
        var input = SignalRequests.Read(request, _signals.CurrentTime);
        var (touchpoint, created) = await _signals.RecordTouchpointAsync(input, context.CancellationToken);
        return new RecordTouchpointResponse { Touchpoint = touchpoint.ToProto(), Created = created };
    }

    public override async Task<ListTouchpointsResponse> ListTouchpoints(
        ListTouchpointsRequest request, ServerCallContext context)
    {
        var (accountId, pageSize, after, fingerprint) = SignalRequests.Read(request);
        var page = await _signals.ListTouchpointsAsync(accountId, pageSize, after, context.CancellationToken);
        var response = new ListTouchpointsResponse();
        response.Touchpoints.AddRange(page.Items.Select(t => t.ToProto()));
        if (page.HasMore)
        {
            var last = page.Items[^1];
            response.NextPageToken = SignalRequests.NextToken(fingerprint, new SignalCursor(last.OccurredAt, last.Id));
        }
        return response;
    }
}
