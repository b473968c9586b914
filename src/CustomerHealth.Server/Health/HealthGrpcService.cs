using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Grpc.Core;
using Model = CustomerHealth.Domain.Health;

namespace CustomerHealth.Server.Health;

/// <summary>
/// customerhealth.v1.HealthService: read the request, call the store, map the result. The stores (and with them the
/// DbContext) are built on first use (<see cref="HealthStores"/>): the class is created for every call, and
/// <c>GetHealthScore</c>, the hot read, mostly answers from <see cref="HealthReadCache"/> without touching any of them.
/// </summary>
public sealed class HealthGrpcService(
    HealthStores stores, HealthReadCache readCache, TimeProvider clock, EventRules rules, HealthOptions options,
    IHostApplicationLifetime lifetime)
    : HealthService.HealthServiceBase
{
    private HealthStore Store => stores.Scores;
    private ScorecardStore Scorecards => stores.Scorecards;
    private HealthChangeFeed Changes => stores.Changes;
    private HealthOverrideStore Overrides => stores.Overrides;
    private HealthRecomputer Recomputer => stores.Recomputer;
    private HealthBacktester Backtester => stores.Backtester;

    public static readonly string ServiceName = HealthService.Descriptor.FullName;
    public const int MaxBatchIds = 1000;
    public const int MaxRenewalWithinDays = 3650;

    public override async Task<GetHealthScoreResponse> GetHealthScore(GetHealthScoreRequest request, ServerCallContext context)
    {
        var accountId = AccountRequests.ReadAccountId(request.AccountId);
        if (!readCache.TryGet(accountId, clock.GetUtcNow(), out V1.HealthScore message))
        {
            // The ticket comes before the read, so an invalidation committed meanwhile keeps this answer out of the cache.
            var ticket = readCache.Take(accountId);
            var score = await Store.GetAsync(accountId, context.CancellationToken);
            message = score.ToProto();
            readCache.Set(accountId, ticket, message, score.Override?.ExpiresAt);
        }
        // A cached message is shared by concurrent answers: it is only ever serialized, never changed.
        return new GetHealthScoreResponse { Score = message };
    }

    public override async Task<BatchGetHealthScoresResponse> BatchGetHealthScores(BatchGetHealthScoresRequest request, ServerCallContext context)
    {
        var v = new Violations();
        if (request.AccountIds.Count is 0 or > MaxBatchIds) v.Add("account_ids", $"must hold 1 to {MaxBatchIds} ids");
        for (var i = 0; i < request.AccountIds.Count && i < MaxBatchIds; i++) v.Identifier($"account_ids[{i}]", request.AccountIds[i]);
        v.ThrowIfAny();
        var (scores, missing) = await Store.BatchGetAsync(request.AccountIds, context.CancellationToken);
        var response = new BatchGetHealthScoresResponse();
        response.Scores.AddRange(scores.Select(s => s.ToProto()));
        response.MissingAccountIds.AddRange(missing);
        return response;
    }

    public override async Task<ListHealthScoresResponse> ListHealthScores(ListHealthScoresRequest request, ServerCallContext context)
    {
        var v = new Violations().Text("owner", request.Owner, 254);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        ProtoConvert.IsDefined(v, "band", request.Band);
        ProtoConvert.IsDefined(v, "cs_tier", request.CsTier);
        ProtoConvert.IsDefined(v, "lifecycle_stage", request.LifecycleStage);
        ProtoConvert.IsDefined(v, "order_by", request.OrderBy);
        if (request.RenewalWithinDays is < 0 or > MaxRenewalWithinDays)
            v.Add("renewal_within_days", $"must be from 0 to {MaxRenewalWithinDays} (0: no filter)");
        var filter = new HealthScoreFilter(
            request.Band == HealthBand.Unspecified ? null : (Model.HealthBand)request.Band,
            request.CsTier == CsTier.Unspecified ? null : AccountMapping.ToDomain(request.CsTier),
            string.IsNullOrWhiteSpace(request.Owner) ? null : request.Owner.Trim(),
            request.LifecycleStage == LifecycleStage.Unspecified ? null : (Model.LifecycleStage)request.LifecycleStage,
            request.RenewalWithinDays > 0 ? request.RenewalWithinDays : null);
        var order = (Infrastructure.Health.HealthScoreOrder)request.OrderBy;
        // The renewal filter counts from today, so a token is only good on the day it was issued.
        var fingerprint = string.Create(CultureInfo.InvariantCulture, $"health|{filter}|{order}|{(filter.RenewalWithinDays is null ? "" : Store.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}");
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 2);
        var after = key is null ? null : new HealthScoreCursor(key[0], key[1]);
        if (after is not null && !CursorReadable(after, order)) v.Add("page_token", "is not a token this service issued");
        v.ThrowIfAny();

        var page = await Store.ListAsync(filter, order, pageSize, after, context.CancellationToken);
        var response = new ListHealthScoresResponse();
        response.Scores.AddRange(page.Items.Select(s => s.ToProto()));
        if (page.HasMore)
        {
            var last = page.Items[^1];
            response.NextPageToken = PageToken.Encode(fingerprint, HealthStore.SortKeyOf(last, order) ?? "", last.AccountId);
        }
        return response;
    }

    public override async Task<GetHealthHistoryResponse> GetHealthHistory(GetHealthHistoryRequest request, ServerCallContext context)
    {
        var v = new Violations().Identifier("account_id", request.AccountId);
        var from = ProtoConvert.ReadDate(v, "start_date", request.StartDate, required: true);
        var to = ProtoConvert.ReadDate(v, "end_date", request.EndDate, required: true);
        if (from is { } f && to is { } t)
        {
            if (t < f) v.Add("end_date", "must not be before start_date");
            else if (t.DayNumber - f.DayNumber >= HealthStore.MaxHistoryDays) v.Add("end_date", $"must be less than {HealthStore.MaxHistoryDays} days after start_date");
        }
        v.ThrowIfAny();
        var snapshots = await Store.HistoryAsync(request.AccountId, from!.Value, to!.Value, context.CancellationToken);
        var response = new GetHealthHistoryResponse();
        response.Snapshots.AddRange(snapshots.Select(s => s.ToProto()));
        return response;
    }

    public override async Task<GetScorecardResponse> GetScorecard(GetScorecardRequest request, ServerCallContext context) =>
        new() { Scorecard = (await Scorecards.GetCurrentAsync(context.CancellationToken)).ToProto() };

    public override async Task<ReplaceScorecardResponse> ReplaceScorecard(ReplaceScorecardRequest request, ServerCallContext context)
    {
        var (scorecard, updatedBy) = HealthMapping.Read(request);
        var stored = await Scorecards.ReplaceAsync(scorecard, updatedBy, context.CancellationToken);
        return new ReplaceScorecardResponse { Scorecard = stored.ToProto() };
    }

    public override async Task<ListHealthChangesResponse> ListHealthChanges(ListHealthChangesRequest request, ServerCallContext context)
    {
        var v = new Violations();
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var filter = HealthMapping.ReadChangeFilter(v, request.AfterSequence, request.Band, request.CsTier, request.Owner);
        v.ThrowIfAny();
        var page = await Changes.ListAsync(request.AfterSequence, pageSize, filter, context.CancellationToken);
        var response = new ListHealthChangesResponse { NextSequence = page.Count > 0 ? page[^1].Sequence : request.AfterSequence };
        response.Changes.AddRange(page.Select(c => c.ToProto()));
        return response;
    }

    public override async Task WatchHealthChanges(WatchHealthChangesRequest request, IServerStreamWriter<WatchHealthChangesResponse> responseStream, ServerCallContext context)
    {
        var v = new Violations();
        var filter = HealthMapping.ReadChangeFilter(v, request.AfterSequence, request.Band, request.CsTier, request.Owner);
        v.ThrowIfAny();
        // Ends on the caller's cancellation and on shutdown alike, so an open stream never holds the host up.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        await foreach (var change in Changes.FollowAsync(request.AfterSequence, filter, options.WatchPollInterval, PageToken.MaxPageSize, stop.Token))
        {
            try
            {
                await responseStream.WriteAsync(new WatchHealthChangesResponse { Change = change.ToProto() }, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public override async Task<SetHealthOverrideResponse> SetHealthOverride(SetHealthOverrideRequest request, ServerCallContext context)
    {
        var v = new Violations().Identifier("account_id", request.AccountId);
        ProtoConvert.IsDefined(v, "band", request.Band);
        var expiresAt = HealthMapping.ReadInstant(v, "expire_time", request.ExpireTime);
        v.ThrowIfAny();
        await Overrides.SetAsync(request.AccountId, request.HasScore ? request.Score : null,
            request.Band == HealthBand.Unspecified ? null : (Model.HealthBand)request.Band,
            request.Reason, request.SetBy, expiresAt, context.CancellationToken);
        return new SetHealthOverrideResponse { Score = (await Store.GetAsync(request.AccountId, context.CancellationToken)).ToProto() };
    }

    public override async Task<ClearHealthOverrideResponse> ClearHealthOverride(ClearHealthOverrideRequest request, ServerCallContext context)
    {
        new Violations().Identifier("account_id", request.AccountId).Text("cleared_by", request.ClearedBy, Model.HealthOverride.MaxActorLength, required: true).ThrowIfAny();
        await Overrides.ClearAsync(request.AccountId, request.ClearedBy.Trim(), context.CancellationToken);
        return new ClearHealthOverrideResponse { Score = (await Store.GetAsync(request.AccountId, context.CancellationToken)).ToProto() };
    }

    public override async Task<ListHealthAuditResponse> ListHealthAudit(ListHealthAuditRequest request, ServerCallContext context)
    {
        var v = new Violations().Identifier("account_id", request.AccountId, optional: true);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var fingerprint = $"health-audit|{request.AccountId}";
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 1);
        long? before = null;
        if (key is not null)
        {
            if (long.TryParse(key[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)) before = id;
            else v.Add("page_token", "is not a token this service issued");
        }
        v.ThrowIfAny();
        var page = await Overrides.AuditAsync(request.AccountId is { Length: > 0 } a ? a : null, pageSize, before, context.CancellationToken);
        var response = new ListHealthAuditResponse();
        response.Entries.AddRange(page.Items.Select(e => e.ToProto()));
        if (page.HasMore) response.NextPageToken = PageToken.Encode(fingerprint, page.Items[^1].Id.ToString(CultureInfo.InvariantCulture));
        return response;
    }

    public override async Task<RecomputeHealthScoresResponse> RecomputeHealthScores(RecomputeHealthScoresRequest request, ServerCallContext context)
    {
        var v = new Violations();
        var day = ProtoConvert.ReadDate(v, "as_of_date", request.AsOfDate, required: true);
        // Never further back than raw events are kept, and at most the history window.
        var daysBack = Math.Min(rules.RetentionDays, HealthStore.MaxHistoryDays);
        var today = Store.Today;
        if (day > today) v.Add("as_of_date", $"must not be in the future (today is {today:yyyy-MM-dd} UTC)");
        else if (day < today.AddDays(-daysBack)) v.Add("as_of_date", $"must be at most {daysBack} days back (from {today.AddDays(-daysBack):yyyy-MM-dd})");
        v.ThrowIfAny();
        var done = await Recomputer.RecomputeDayAsync(day!.Value, options.BatchSize, context.CancellationToken);
        return new RecomputeHealthScoresResponse
        {
            AccountCount = done.Accounts,
            AsOf = ProtoConvert.ToTimestamp(done.AsOf.UtcDateTime),
            ScorecardVersion = done.ScorecardVersion,
            CurrentScoresUpdated = done.Current,
        };
    }

    public override async Task<BacktestHealthScoresResponse> BacktestHealthScores(BacktestHealthScoresRequest request, ServerCallContext context)
    {
        var v = new Violations();
        if (request.LeadDays is < 0 or > HealthBacktester.MaxLeadDays)
            v.Add("lead_days", $"must be from 1 to {HealthBacktester.MaxLeadDays} (0: {HealthBacktester.DefaultLeadDays})");
        var from = ProtoConvert.ReadDate(v, "renewal_start_date", request.RenewalStartDate, required: false);
        var to = ProtoConvert.ReadDate(v, "renewal_end_date", request.RenewalEndDate, required: false);
        if (from is { } f && to is { } t && t < f) v.Add("renewal_end_date", "must not be before renewal_start_date");
        v.ThrowIfAny();
        var report = await Backtester.RunAsync(request.LeadDays == 0 ? HealthBacktester.DefaultLeadDays : request.LeadDays, from, to, context.CancellationToken);
        return report.ToProto();
    }

    private static bool CursorReadable(HealthScoreCursor cursor, Infrastructure.Health.HealthScoreOrder order)
    {
        if (string.IsNullOrEmpty(cursor.AccountId)) return false;
        if (string.IsNullOrEmpty(cursor.Key)) return true;
        return order switch
        {
            Infrastructure.Health.HealthScoreOrder.Score or Infrastructure.Health.HealthScoreOrder.Change7Days => double.TryParse(cursor.Key, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            Infrastructure.Health.HealthScoreOrder.Arr => long.TryParse(cursor.Key, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            Infrastructure.Health.HealthScoreOrder.RenewalDate => DateOnly.TryParseExact(cursor.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ => false,
        };
    }
}
