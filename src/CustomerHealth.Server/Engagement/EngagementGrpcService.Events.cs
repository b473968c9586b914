using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Engagement;

public sealed partial class EngagementGrpcService
{
    public override async Task StreamEvents(IAsyncStreamReader<StreamEventsRequest> requestStream, IServerStreamWriter<StreamEventsResponse> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await foreach (var batch in requestStream.ReadAllAsync(ct))
        {
            var outcome = await ingestor.IngestAsync(batch.Source, EventRequests.ReadEvents(batch.Events), ct);
            // Answered only after the batch's transaction committed: an acknowledged batch is durable.
            await responseStream.WriteAsync(new StreamEventsResponse { BatchSequence = batch.BatchSequence, Result = outcome.ToProto() }, ct);
        }
    }

    public override async Task<IngestEventsResponse> IngestEvents(IngestEventsRequest request, ServerCallContext context)
    {
        var outcome = await ingestor.IngestAsync(request.Source, EventRequests.ReadEvents(request.Events), context.CancellationToken);
        return new IngestEventsResponse { Result = outcome.ToProto() };
    }

    public override async Task<GetDailyUsageResponse> GetDailyUsage(GetDailyUsageRequest request, ServerCallContext context)
    {
        var (accountId, from, to) = EventRequests.Read(request);
        var rows = await usage.GetDailyUsageAsync(accountId, from, to, context.CancellationToken);
        var response = new GetDailyUsageResponse();
        response.Days.AddRange(rows.Select(r => r.ToProto()));
        return response;
    }

    public override async Task<GetEventCatalogueResponse> GetEventCatalogue(GetEventCatalogueRequest request, ServerCallContext context) =>
        new() { Catalogue = (await catalogueStore.GetAsync(context.CancellationToken)).ToProto() };

    public override async Task<UpdateEventCatalogueResponse> UpdateEventCatalogue(UpdateEventCatalogueRequest request, ServerCallContext context)
    {
        var (entries, updatedBy, expectedVersion) = EventRequests.Read(request);
        var (catalogue, rebuilt) = await catalogueStore.ReplaceAsync(entries, updatedBy, expectedVersion, context.CancellationToken);
        return new UpdateEventCatalogueResponse { Catalogue = catalogue.ToProto(), RebuiltAccountDays = rebuilt };
    }

    public override async Task<RebuildRollupsResponse> RebuildRollups(RebuildRollupsRequest request, ServerCallContext context)
    {
        var (accountId, from, to) = EventRequests.Read(request);
        return new RebuildRollupsResponse { RebuiltAccountDays = await usage.RebuildAsync(accountId, from, to, context.CancellationToken) };
    }

    public override async Task<DeletePersonDataResponse> DeletePersonData(DeletePersonDataRequest request, ServerCallContext context)
    {
        var (userId, accountId) = EventRequests.Read(request);
        var deletion = await usage.DeletePersonAsync(userId, accountId, context.CancellationToken);
        return new DeletePersonDataResponse
        {
            DeletedEvents = deletion.DeletedEvents,
            DeletedNpsResponses = deletion.DeletedNpsResponses,
            CorrectedAccountDays = deletion.CorrectedAccountDays,
        };
    }
}
