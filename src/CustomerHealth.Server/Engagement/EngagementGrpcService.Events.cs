using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Server.Audit;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Engagement;

public sealed partial class EngagementGrpcService
{
    /// <summary>
    /// How many events of one stream may be read and queued ahead of their answers. Twice a commit's worth, so that the
    /// next group fills while the current one is written.
    /// </summary>
    private const int MaxEventsInFlightPerStream = 2 * EventIngestionQueue.MaxEventsPerCommit;

    public override async Task StreamEvents(
        IAsyncStreamReader<StreamEventsRequest> requestStream,
        IServerStreamWriter<StreamEventsResponse> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Batches are read and queued as they arrive (the client may send ahead of the answers), so that the queue can
        // commit the batches of this and other streams together; the answers go back in order, each after its commit.
        var inFlight = new Queue<(long Sequence, int Events, Task<EventBatchOutcome> Outcome)>();
        var lane = queue.NextLane(); // every batch of this stream through one writer, in order
        var eventsInFlight = 0;
        // Reads take their own token, so that a read started ahead can be called off when the call fails (see below).
        using var reads = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task<bool>? next = requestStream.MoveNext(reads.Token);
        try
        {
            while (next is not null || inFlight.Count > 0)
            {
                if (next is not null && eventsInFlight < MaxEventsInFlightPerStream)
                {
                    if (!next.IsCompleted && inFlight.Count > 0) await Task.WhenAny(next, inFlight.Peek().Outcome);
                    if (next.IsCompleted || inFlight.Count == 0)
                    {
                        if (!await next)
                        {
                            next = null;
                            continue;
                        }
                        var batch = requestStream.Current;
                        if (!EventRequests.IsValid(batch))
                        {
                            // The batches before it are answered first; then Read below fails the call with
                            // INVALID_ARGUMENT. No read is in progress at that point (the client would see the
                            // stream reset instead).
                            next = null;
                            while (inFlight.Count > 0) await AnswerOldestAsync();
                        }
                        var outcome = queue.IngestAsync(EventRequests.Read(batch), ct, lane);
                        inFlight.Enqueue((batch.BatchSequence, batch.Events.Count, outcome));
                        eventsInFlight += batch.Events.Count;
                        next = requestStream.MoveNext(reads.Token);
                        continue;
                    }
                }
                await AnswerOldestAsync();
            }
        }
        finally
        {
            await AbandonAsync(next, reads);
        }

        async Task AnswerOldestAsync()
        {
            var (sequence, events, outcome) = inFlight.Dequeue();
            eventsInFlight -= events;
            // Answered only after the transaction committed: an acknowledged batch is durable.
            await responseStream.WriteAsync(
                new StreamEventsResponse { BatchSequence = sequence, Result = (await outcome).ToProto() }, ct);
        }
    }

    /// <summary>
    /// When the call ends with an error (a batch that failed to commit: the database is away), a read started ahead
    /// may still be pending: it is called off and waited for, since a handler must not end while the request body is
    /// being read (the host would fail the call instead of sending its status). How the read ended no longer matters.
    /// A read that already ended is only observed.
    /// </summary>
    private static async Task AbandonAsync(Task<bool>? read, CancellationTokenSource reads)
    {
        if (read is { IsCompleted: false })
        {
            await reads.CancelAsync();
            try
            {
                await read;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or RpcException
                or InvalidOperationException)
            {
            }
        }
        _ = read?.ContinueWith(
            static t => t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public override async Task<IngestEventsResponse> IngestEvents(
        IngestEventsRequest request, ServerCallContext context)
    {
        var outcome = await queue.IngestAsync(EventRequests.Read(request), context.CancellationToken);
        return new IngestEventsResponse { Result = outcome.ToProto() };
    }

    public override async Task<GetDailyUsageResponse> GetDailyUsage(
        GetDailyUsageRequest request, ServerCallContext context)
    {
        var (accountId, from, to) = EventRequests.Read(request);
        var rows = await usage.GetDailyUsageAsync(accountId, from, to, context.CancellationToken);
        var response = new GetDailyUsageResponse();
        response.Days.AddRange(rows.Select(r => r.ToProto()));
        return response;
    }

    public override async Task<GetEventCatalogueResponse> GetEventCatalogue(
        GetEventCatalogueRequest request, ServerCallContext context) =>
        new() { Catalogue = (await catalogueStore.GetAsync(context.CancellationToken)).ToProto() };

    public override async Task<UpdateEventCatalogueResponse> UpdateEventCatalogue(
        UpdateEventCatalogueRequest request, ServerCallContext context)
    {
        var (entries, onBehalfOf, expectedVersion) = EventRequests.Read(request);
        var (catalogue, rebuilt) = await catalogueStore.ReplaceAsync(
            entries, expectedVersion, context.Caller(onBehalfOf), context.CancellationToken);
        return new UpdateEventCatalogueResponse { Catalogue = catalogue.ToProto(), RebuiltAccountDays = rebuilt };
    }

    public override async Task<RebuildRollupsResponse> RebuildRollups(
        RebuildRollupsRequest request, ServerCallContext context)
    {
        var (accountId, from, to) = EventRequests.Read(request);
        return new RebuildRollupsResponse
        {
            RebuiltAccountDays = await usage.RebuildAsync(
            accountId, from, to, context.Caller(), context.CancellationToken)
        };
    }

    public override async Task<DeletePersonDataResponse> DeletePersonData(
        DeletePersonDataRequest request, ServerCallContext context)
    {
        var (userId, accountId) = EventRequests.Read(request);
        var deletion = await usage.DeletePersonAsync(userId, accountId, context.Caller(), context.CancellationToken);
        return new DeletePersonDataResponse
        {
            DeletedEvents = deletion.DeletedEvents,
            DeletedNpsResponses = deletion.DeletedNpsResponses,
            CorrectedAccountDays = deletion.CorrectedAccountDays,
            DeletedContacts = deletion.DeletedContacts,
        };
    }
}
