using System.Globalization;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Audit;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Health;

/// <summary>
/// customerhealth.v1.HealthService: read the request, call the store, map the result. The stores (and with them the
/// DbContext) are built on first use (<see cref="HealthStores"/>): the class is created for every call, and
/// <c>GetHealthScore</c>, the hot read, answers from <see cref="HealthReadCache"/> or, on a miss, from
/// <see cref="HealthScoreReader"/> without touching any of them; <c>BatchGetHealthScores</c> and
/// <c>ListHealthScores</c> read stored scores from <see cref="HealthScoreReader"/> too (ADR 0077).
/// </summary>
public sealed class HealthGrpcService(
    HealthStores stores, HealthReadCache readCache, HealthScoreReader hotReads, TimeProvider clock, EventRules rules,
    HealthOptions options, IHostApplicationLifetime lifetime)
    : Stubs.HealthService.HealthServiceBase
{
    private HealthStore Store => stores.Scores;
    private ScorecardStore Scorecards => stores.Scorecards;
    private HealthChangeFeed Changes => stores.Changes;
    private HealthOverrideStore Overrides => stores.Overrides;
    private HealthRecomputer Recomputer => stores.Recomputer;
    private HealthBacktester Backtester => stores.Backtester;

    public static readonly string ServiceName = HealthService.Descriptor.FullName;

    public override async Task<GetHealthScoreResponse> GetHealthScore(
        GetHealthScoreRequest request, ServerCallContext context)
    {
        var accountId = AccountRequests.ReadAccountId(request.AccountId);
        if (!readCache.TryGet(accountId, clock.GetUtcNow(), out V1.HealthScore message))
        {
            // The ticket comes before the read, so an invalidation committed meanwhile keeps this answer out of the
            // cache.
            var ticket = readCache.Take(accountId);
            var (score, stored) = await ReadScoreAsync(accountId, context.CancellationToken);
            message = score.ToProto();
            // Only the stored score is kept by the read model (ADR 0072); one computed on the spot ages out.
            readCache.Set(accountId, ticket, message, score.Override?.ExpiresAt, kept: stored);
        }
        // A cached message is shared by concurrent answers: it is only ever serialized, never changed.
        return new GetHealthScoreResponse { Score = message };
    }

    /// <summary>
    /// The stored score by the hot read (<see cref="HealthScoreReader"/>: no DbContext), else by the store, which also
    /// computes the score of an account that has none yet and answers NOT_FOUND for an unknown account.
    /// </summary>
    private async Task<(HealthScoreRow Score, bool Stored)> ReadScoreAsync(string accountId, CancellationToken ct) =>
        hotReads.Enabled && await hotReads.TryGetAsync(accountId, clock.GetUtcNow(), ct) is { } stored
            ? (stored, true)
            : (await Store.GetAsync(accountId, ct), false);

    public override async Task<BatchGetHealthScoresResponse> BatchGetHealthScores(
        BatchGetHealthScoresRequest request, ServerCallContext context)
    {
        var ids = HealthRequests.Read(request);
        var (scores, missing) = hotReads.Enabled
            ? await BatchReadAsync(ids, context.CancellationToken)
            : await Store.BatchGetAsync(ids, context.CancellationToken);
        var response = new BatchGetHealthScoresResponse();
        response.Scores.AddRange(scores.Select(s => s.ToProto()));
        response.MissingAccountIds.AddRange(missing);
        return response;
    }

    /// <summary>
    /// <see cref="HealthStore.BatchGetAsync"/>'s answer with the stored scores read by the hot read (one statement, no
    /// DbContext); only the ids without a stored score (new accounts: computed on the spot; unknown ones: missing) go
    /// to the store.
    /// </summary>
    private async Task<(IReadOnlyList<HealthScoreRow> Scores, IReadOnlyList<string> Missing)> BatchReadAsync(
        IReadOnlyList<string> asked, CancellationToken ct)
    {
        var ids = asked.Distinct(StringComparer.Ordinal).ToArray();
        var found = await hotReads.GetManyAsync(ids, clock.GetUtcNow(), ct);
        IReadOnlyList<string> missing = [];
        if (found.Count < ids.Length)
        {
            var (computed, unknown) = await Store.BatchGetAsync(ids.Where(id => !found.ContainsKey(id)).ToArray(), ct);
            foreach (var score in computed) found[score.AccountId] = score;
            missing = unknown;
        }
        return (ids.Where(found.ContainsKey).Select(id => found[id]).ToArray(), missing);
    }

    public override async Task<ListHealthScoresResponse> ListHealthScores(
        ListHealthScoresRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var (filter, tree, order, pageSize, after, fingerprint) = HealthRequests.Read(request, today);
        var within = tree is null
            ? null
            : (await stores.Trees.MembersAsync(tree, ct)).Select(m => m.AccountId).ToArray();
        var query = new HealthListQuery(filter, order, pageSize, after, within);
        var (rows, accounts, hasMore) = hotReads.Enabled
            ? FromHotRead(await hotReads.ListAsync(query, now, today, ct))
            : await FromStoreAsync(await Store.ListAsync(query, ct), ct);
        var response = new ListHealthScoresResponse();
        response.Scores.AddRange(await WithAccountsAsync(rows, accounts, ct));
        if (hasMore) response.NextPageToken = HealthRequests.NextToken(fingerprint, rows[^1], order);
        return response;
    }

    private static (IReadOnlyList<HealthScoreRow>, IReadOnlyDictionary<string, AccountSummaryRow>, bool) FromHotRead(
        Page<(HealthScoreRow Score, AccountSummaryRow? Account)> page)
    {
        var accounts = new Dictionary<string, AccountSummaryRow>(page.Items.Count, StringComparer.Ordinal);
        foreach (var (_, account) in page.Items)
        {
            if (account is not null) accounts[account.AccountId] = account;
        }
        return (page.Items.Select(i => i.Score).ToArray(), accounts, page.HasMore);
    }

    private async Task<(IReadOnlyList<HealthScoreRow>, IReadOnlyDictionary<string, AccountSummaryRow>, bool)>
        FromStoreAsync(Page<HealthScoreRow> page, CancellationToken ct) =>
        (page.Items, await stores.Accounts.ReadAsync(page.Items.Select(r => r.AccountId).ToArray(), ct), page.HasMore);

    /// <summary>
    /// The rows as list rows: each score with its account's name, owner, tier and ARR (also in the reporting currency).
    /// One query for the exchange rates when a row's ARR is in another currency.
    /// </summary>
    private async Task<IEnumerable<V1.HealthScore>> WithAccountsAsync(
        IReadOnlyList<HealthScoreRow> rows, IReadOnlyDictionary<string, AccountSummaryRow> accounts,
        CancellationToken ct)
    {
        var reporting = stores.Rates.ReportingCurrency;
        var rates = rows.Any(r => r.Currency is { } c && c != reporting)
            ? await stores.Rates.CurrentAsync(ct)
            : Domain.Common.ExchangeRates.None(reporting);
        return rows.Select(row =>
        {
            var message = row.ToProto();
            if (accounts.TryGetValue(row.AccountId, out var account))
                message.Account = account.ToProto(row.Arr(), rates);
            return message;
        });
    }

    public override async Task<GetHealthHistoryResponse> GetHealthHistory(
        GetHealthHistoryRequest request, ServerCallContext context)
    {
        var (accountId, from, to) = HealthRequests.Read(request);
        var snapshots = await Store.HistoryAsync(accountId, from, to, context.CancellationToken);
        var response = new GetHealthHistoryResponse();
        response.Snapshots.AddRange(snapshots.Select(s => s.ToProto()));
        return response;
    }

    public override async Task<GetScorecardResponse> GetScorecard(
        GetScorecardRequest request, ServerCallContext context) =>
        new() { Scorecard = (await Scorecards.GetCurrentAsync(context.CancellationToken)).ToProto() };

    public override async Task<ReplaceScorecardResponse> ReplaceScorecard(
        ReplaceScorecardRequest request, ServerCallContext context)
    {
        var (scorecard, onBehalfOf) = HealthRequests.Read(request);
        var stored = await Scorecards.ReplaceAsync(scorecard, context.Caller(onBehalfOf), context.CancellationToken);
        return new ReplaceScorecardResponse { Scorecard = stored.ToProto() };
    }

    public override async Task<ListHealthChangesResponse> ListHealthChanges(
        ListHealthChangesRequest request, ServerCallContext context)
    {
        var (afterSequence, pageSize, filter) = HealthRequests.Read(request);
        var page = await Changes.ListAsync(afterSequence, pageSize, filter, context.CancellationToken);
        var next = page.Count > 0 ? page[^1].Sequence : afterSequence;
        var response = new ListHealthChangesResponse { NextSequence = next };
        response.Changes.AddRange(page.Select(c => c.ToProto()));
        return response;
    }

    public override async Task WatchHealthChanges(
        WatchHealthChangesRequest request, IServerStreamWriter<WatchHealthChangesResponse> responseStream,
        ServerCallContext context)
    {
        var (afterSequence, filter) = HealthRequests.Read(request);
        // Ends on the caller's cancellation and on shutdown alike, so an open stream never holds the host up.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            context.CancellationToken, lifetime.ApplicationStopping);
        if (!await WatchStart.StartAsync(context, stop.Token)) return;
        var changes = Changes.FollowAsync(
            afterSequence, filter, options.WatchPollInterval, PageToken.MaxPageSize, stop.Token);
        await foreach (var change in changes)
        {
            try
            {
                await responseStream.WriteAsync(
                    new WatchHealthChangesResponse { Change = change.ToProto() }, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public override async Task<SetHealthOverrideResponse> SetHealthOverride(
        SetHealthOverrideRequest request, ServerCallContext context)
    {
        var o = HealthRequests.Read(request);
        var ct = context.CancellationToken;
        await Overrides.SetAsync(o.AccountId, o.Score, o.Band, o.Reason, o.ExpiresAt, context.Caller(o.OnBehalfOf), ct);
        return new SetHealthOverrideResponse { Score = (await Store.GetAsync(o.AccountId, ct)).ToProto() };
    }

    public override async Task<ClearHealthOverrideResponse> ClearHealthOverride(
        ClearHealthOverrideRequest request, ServerCallContext context)
    {
        var (accountId, onBehalfOf) = HealthRequests.Read(request);
        await Overrides.ClearAsync(accountId, context.Caller(onBehalfOf), context.CancellationToken);
        var score = await Store.GetAsync(accountId, context.CancellationToken);
        return new ClearHealthOverrideResponse { Score = score.ToProto() };
    }

    public override async Task<ListHealthAuditResponse> ListHealthAudit(
        ListHealthAuditRequest request, ServerCallContext context)
    {
        var (accountId, pageSize, before, fingerprint) = HealthRequests.Read(request);
        var filter = accountId is null
            ? new AuditFilter(Actions: HealthMapping.AuditActions)
            : new AuditFilter(
                TargetType: AuditTargets.Account, TargetId: accountId, Actions: HealthMapping.AuditActions);
        var page = await stores.Audit.ListAsync(filter, pageSize, before, context.CancellationToken);
        var response = new ListHealthAuditResponse();
        response.Entries.AddRange(page.Items.Select(e => e.ToHealthAuditEntry()));
        if (page.HasMore) response.NextPageToken = PageToken.Encode(
            fingerprint, page.Items[^1].Id.ToString(CultureInfo.InvariantCulture));
        return response;
    }

    public override async Task<RecomputeHealthScoresResponse> RecomputeHealthScores(
        RecomputeHealthScoresRequest request, ServerCallContext context)
    {
        var day = HealthRequests.Read(request, Store.Today, rules.RetentionDays);
        var done = await Recomputer.RecomputeDayAsync(
            day, options.BatchSize, context.Caller(), context.CancellationToken);
        return new RecomputeHealthScoresResponse
        {
            AccountCount = done.Accounts,
            AsOf = ProtoConvert.ToTimestamp(done.AsOf.UtcDateTime),
            ScorecardVersion = done.ScorecardVersion,
            CurrentScoresUpdated = done.Current,
        };
    }

    public override async Task<BacktestHealthScoresResponse> BacktestHealthScores(
        BacktestHealthScoresRequest request, ServerCallContext context)
    {
        var (leadDays, from, to) = HealthRequests.Read(request);
        var report = await Backtester.RunAsync(leadDays, from, to, context.CancellationToken);
        return report.ToProto();
    }

    public override async Task<ProposeScorecardResponse> ProposeScorecard(
        ProposeScorecardRequest request, ServerCallContext context)
    {
        var (leadDays, options, from) = HealthRequests.Read(request);
        var report = await stores.Proposer.ProposeAsync(leadDays, options, from, context.CancellationToken);
        return report.ToProto();
    }
}
