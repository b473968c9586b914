using CustomerHealth.Infrastructure.Plays;
using CustomerHealth.Server.Audit;
using CustomerHealth.Server.Grpc;
using CustomerHealth.Server.Health;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Plays;

/// <summary>customerhealth.v1.PlayService: read the request, call the play stores, map the result.</summary>
public sealed class PlayGrpcService(
    PlayStore plays, PlayRuleStore rules, PlayChangeFeed changes, TimeProvider clock, HealthOptions options,
    IHostApplicationLifetime lifetime)
    : Stubs.PlayService.PlayServiceBase
{
    public static readonly string ServiceName = PlayService.Descriptor.FullName;

    public override async Task<ListPlaysResponse> ListPlays(ListPlaysRequest request, ServerCallContext context)
    {
        var (filter, pageSize, after, fingerprint) = PlayRequests.Read(request);
        var page = await plays.ListAsync(filter, pageSize, after, context.CancellationToken);
        var response = new ListPlaysResponse();
        response.Plays.AddRange(page.Items.Select(p => p.ToProto()));
        if (page.HasMore) response.NextPageToken = PlayRequests.NextToken(fingerprint, page.Items[^1]);
        return response;
    }

    public override async Task<GetPlayResponse> GetPlay(GetPlayRequest request, ServerCallContext context) =>
        new() { Play = (await plays.GetAsync(PlayRequests.Read(request), context.CancellationToken)).ToProto() };

    public override async Task<AcknowledgePlayResponse> AcknowledgePlay(
        AcknowledgePlayRequest request, ServerCallContext context)
    {
        var id = PlayRequests.Read(request);
        var play = await plays.AcknowledgeAsync(id, context.Caller(), context.CancellationToken);
        return new AcknowledgePlayResponse { Play = play.ToProto() };
    }

    public override async Task<CompletePlayResponse> CompletePlay(
        CompletePlayRequest request, ServerCallContext context)
    {
        var (id, outcome, note) = PlayRequests.Read(request);
        var play = await plays.CompleteAsync(id, outcome, note, context.Caller(), context.CancellationToken);
        return new CompletePlayResponse { Play = play.ToProto() };
    }

    public override async Task<SnoozePlayResponse> SnoozePlay(SnoozePlayRequest request, ServerCallContext context)
    {
        var (id, until) = PlayRequests.Read(request, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        var play = await plays.SnoozeAsync(id, until, context.Caller(), context.CancellationToken);
        return new SnoozePlayResponse { Play = play.ToProto() };
    }

    public override async Task<GetPlayRulesResponse> GetPlayRules(
        GetPlayRulesRequest request, ServerCallContext context) =>
        new() { RuleSet = (await rules.GetCurrentAsync(context.CancellationToken)).ToProto() };

    public override async Task<UpdatePlayRulesResponse> UpdatePlayRules(
        UpdatePlayRulesRequest request, ServerCallContext context)
    {
        var (proposed, expected) = PlayRequests.Read(request);
        var (stored, changed) =
            await rules.UpdateAsync(proposed, expected, context.Caller(), context.CancellationToken);
        return new UpdatePlayRulesResponse { RuleSet = stored.ToProto(), Changed = changed };
    }

    public override async Task<ListPlayChangesResponse> ListPlayChanges(
        ListPlayChangesRequest request, ServerCallContext context)
    {
        var (afterSequence, pageSize, filter) = PlayRequests.Read(request);
        var page = await changes.ListAsync(afterSequence, pageSize, filter, context.CancellationToken);
        var response = new ListPlayChangesResponse
        {
            NextSequence = page.Count > 0 ? page[^1].Change.Sequence : afterSequence,
        };
        response.Changes.AddRange(page.Select(c => c.ToProto()));
        return response;
    }

    public override async Task WatchPlays(
        WatchPlaysRequest request, IServerStreamWriter<WatchPlaysResponse> responseStream, ServerCallContext context)
    {
        var (afterSequence, filter) = PlayRequests.Read(request);
        // Ends on the caller's cancellation and on shutdown alike, so an open stream never holds the host up.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            context.CancellationToken, lifetime.ApplicationStopping);
        if (!await WatchStart.StartAsync(context, stop.Token)) return;
        var entries = changes.FollowAsync(
            afterSequence, filter, options.WatchPollInterval, PageToken.MaxPageSize, stop.Token);
        await foreach (var entry in entries)
        {
            try
            {
                await responseStream.WriteAsync(new WatchPlaysResponse { Change = entry.ToProto() }, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
