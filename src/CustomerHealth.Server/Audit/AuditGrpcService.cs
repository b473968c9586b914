using System.Globalization;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Audit;

/// <summary>The audit trail, read by admins (the writes happen inside each audited change's own transaction).</summary>
public sealed class AuditGrpcService(AuditStore store) : Stubs.AuditService.AuditServiceBase
{
    public override async Task<ListAuditEventsResponse> ListAuditEvents(
        ListAuditEventsRequest request,
        ServerCallContext context
    )
    {
        var listing = AuditRequests.Read(request);
        var page = await store.ListAsync(listing.Filter, listing.PageSize, listing.BeforeId, context.CancellationToken);
        var response = new ListAuditEventsResponse();
        response.Events.AddRange(page.Items.Select(e => e.ToProto()));
        if (page.HasMore)
            response.NextPageToken = PageToken.Encode(
                listing.Fingerprint,
                page.Items[^1].Id.ToString(CultureInfo.InvariantCulture)
            );
        return response;
    }
}
