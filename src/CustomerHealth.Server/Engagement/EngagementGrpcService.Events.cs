using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Engagement;

public sealed partial class EngagementGrpcService
{
    /// <summary>At most this many events are committed together when a stream has several batches waiting: no more than one batch may hold.</summary>
    private const int MaxEventsPerCommit = EventRules.MaxEventsPerBatch;

    public override async Task StreamEvents(IAsyncStreamReader<StreamEventsRequest> requestStream, IServerStreamWriter<StreamEventsResponse> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var group = new List<StreamEventsRequest>();
        var next = requestStream.MoveNext(ct);
        try
        {
            while (await next)
            {
                // The batches the client has already sent (it may send ahead of the answers) are stored in one transaction,
                // as long as they are well-formed and fit in one batch's size: one durable commit instead of several.
                group.Clear();
                // A malformed batch fails the call before any read ahead is started: the handler must not end with a read
                // in progress, or the client sees the stream reset instead of INVALID_ARGUMENT.
                EventIngestor.ValidateBatch(requestStream.Current.Source, requestStream.Current.Events.Count);
                group.Add(requestStream.Current);
                var events = requestStream.Current.Events.Count;
                next = requestStream.MoveNext(ct);
                while (next.IsCompletedSuccessfully && next.Result && CanJoin(requestStream.Current, events))
                {
                    group.Add(requestStream.Current);
                    events += requestStream.Current.Events.Count;
                    next = requestStream.MoveNext(ct);
                }

                var batches = group.Select(b => new EventBatch(b.Source, EventRequests.ReadEvents(b.Events))).ToArray();
                var outcomes = await ingestor.IngestAsync(batches, ct);
                // Answered only after the transaction committed: an acknowledged batch is durable.
                for (var i = 0; i < group.Count; i++)
                    await responseStream.WriteAsync(new StreamEventsResponse { BatchSequence = group[i].BatchSequence, Result = outcomes[i].ToProto() }, ct);
            }
        }
        finally
        {
            // When the call ends with an error, the read started ahead is never awaited: observe its failure, if any.
            _ = next.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>A batch joins the group when it is well-formed (a malformed one fails on its own, after the group is stored) and fits.</summary>
    private static bool CanJoin(StreamEventsRequest batch, int eventsSoFar) =>
        EventIngestor.IsValidBatch(batch.Source, batch.Events.Count) && eventsSoFar + batch.Events.Count <= MaxEventsPerCommit;

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
