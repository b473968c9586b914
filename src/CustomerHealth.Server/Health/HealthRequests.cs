using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Audit;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Health;

/// <summary>A <c>SetHealthOverride</c> request read; the override's own rules are the domain's (<see
/// cref="HealthOverride.Create"/>).</summary>
public sealed record HealthOverrideRequest(
    string AccountId, double? Score, HealthBand? Band, string Reason, string? OnBehalfOf, DateTimeOffset? ExpiresAt);

/// <summary>
/// Reads each health request into store input, checking every field rule first and reporting all violations at once
/// (INVALID_ARGUMENT with field paths as the caller names them), so a bad request reads or writes nothing.
/// </summary>
public static class HealthRequests
{
    /// <summary>The bounds of the caller-controlled fields of the health service.</summary>
    public static class Limits
    {
        public const int BatchIds = 1000;
        public const int RenewalWithinDays = 3650;
        public const int Owner = PersonNames.MaxLength;
        public const int UpdatedBy = PersonNames.MaxLength;
        public const int ClearedBy = HealthOverride.MaxActorLength;
        public const int SetBy = HealthOverride.MaxActorLength;
        public const int HistoryDays = HealthStore.MaxHistoryDays;
        public const int BacktestLeadDays = HealthBacktester.MaxLeadDays;
        public const int Id = Identifiers.MaxLength;
        public const int OverrideReason = HealthOverride.MaxReasonLength;
        public const int Segment = Domain.Accounts.AccountDetails.MaxSegmentLength;
        public const int UsageMetrics = Scorecard.MaxUsageMetrics;
        public const int MetricKey = UsageRates.MaxKeyLength;
        public const int Breakpoints = UsageMetricComponent.MaxBreakpoints;
        public const int ProposalMaxUsageMetrics = 20;
        public const double ProposalMinHoldout = 0.05;
        public const double ProposalMaxHoldout = 0.5;
        public const double ProposalMaxL2 = 10;

        /// <summary>The bounds as a table, by request message and field path (see <see
        /// cref="RequestLimits"/>).</summary>
        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Length<V1.GetHealthScoreRequest>("account_id", Id),
            FieldLimit.Count<V1.BatchGetHealthScoresRequest>("account_ids", BatchIds),
            FieldLimit.Length<V1.BatchGetHealthScoresRequest>("account_ids[]", Id),
            FieldLimit.Length<V1.ListHealthScoresRequest>("owner", Owner),
            FieldLimit.Length<V1.ListHealthScoresRequest>("segment", Segment),
            FieldLimit.Length<V1.ListHealthScoresRequest>("parent_account_id", Id),
            FieldLimit.Length<V1.ListHealthScoresRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Length<V1.GetHealthHistoryRequest>("account_id", Id),
            FieldLimit.Ignored<V1.ReplaceScorecardRequest>("scorecard.updated_by"),
            FieldLimit.Length<V1.ReplaceScorecardRequest>("updated_by", UpdatedBy),
            FieldLimit.Count<V1.ReplaceScorecardRequest>("scorecard.usage_metrics", UsageMetrics),
            FieldLimit.Length<V1.ReplaceScorecardRequest>("scorecard.usage_metrics[].metric", MetricKey),
            FieldLimit.Count<V1.ReplaceScorecardRequest>("scorecard.usage_metrics[].breakpoints", Breakpoints),
            FieldLimit.Length<V1.ListHealthChangesRequest>("owner", Owner),
            FieldLimit.Length<V1.ListHealthChangesRequest>("segment", Segment),
            FieldLimit.Length<V1.WatchHealthChangesRequest>("owner", Owner),
            FieldLimit.Length<V1.WatchHealthChangesRequest>("segment", Segment),
            FieldLimit.Length<V1.SetHealthOverrideRequest>("account_id", Id),
            FieldLimit.Length<V1.SetHealthOverrideRequest>("reason", OverrideReason),
            FieldLimit.Length<V1.SetHealthOverrideRequest>("set_by", SetBy),
            FieldLimit.Length<V1.ClearHealthOverrideRequest>("account_id", Id),
            FieldLimit.Length<V1.ClearHealthOverrideRequest>("cleared_by", ClearedBy),
            FieldLimit.Length<V1.ListHealthAuditRequest>("account_id", Id),
            FieldLimit.Length<V1.ListHealthAuditRequest>("page_token", PageToken.MaxTokenLength),
        ];
    }

    public static IReadOnlyList<string> Read(V1.BatchGetHealthScoresRequest request)
    {
        var v = new Violations();
        var ids = request.AccountIds;
        if (ids.Count is 0 or > Limits.BatchIds) v.Add("account_ids", $"must hold 1 to {Limits.BatchIds} ids");
        for (var i = 0; i < ids.Count && i < Limits.BatchIds; i++) v.Identifier($"account_ids[{i}]", ids[i]);
        v.ThrowIfAny();
        return ids;
    }

    /// <summary>Reads a listing; the filter's tree is the id in <c>Tree</c>, for the caller to resolve.</summary>
    /// <param name="today">The renewal filter counts from today, so a token is only good on the day it was
    /// issued.</param>
    public static (HealthScoreFilter Filter, string? Tree, HealthScoreOrder Order, int PageSize,
        HealthScoreCursor? After, string Fingerprint) Read(
        V1.ListHealthScoresRequest request, DateOnly today)
    {
        var v = new Violations().Text("owner", request.Owner, Limits.Owner)
            .Text("segment", request.Segment, Limits.Segment)
            .Identifier("parent_account_id", request.ParentAccountId, optional: true);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        ProtoConvert.IsDefined(v, "band", request.Band);
        ProtoConvert.IsDefined(v, "cs_tier", request.CsTier);
        ProtoConvert.IsDefined(v, "lifecycle_stage", request.LifecycleStage);
        ProtoConvert.IsDefined(v, "order_by", request.OrderBy);
        if (request.RenewalWithinDays is < 0 or > Limits.RenewalWithinDays)
            v.Add("renewal_within_days", $"must be from 0 to {Limits.RenewalWithinDays} (0: no filter)");
        var filter = new HealthScoreFilter(
            request.Band == V1.HealthBand.Unspecified ? null : (HealthBand)request.Band,
            request.CsTier == V1.CsTier.Unspecified ? null : AccountMapping.ToDomain(request.CsTier),
            OptionalText(request.Owner),
            request.LifecycleStage == V1.LifecycleStage.Unspecified ? null : (LifecycleStage)request.LifecycleStage,
            request.RenewalWithinDays > 0 ? request.RenewalWithinDays : null,
            OptionalText(request.Segment),
            request.IncludeChurned);
        var order = (HealthScoreOrder)request.OrderBy;
        var day = filter.RenewalWithinDays is null ? ""
            : today.ToString(PageToken.DayFormat, CultureInfo.InvariantCulture);
        var tree = string.IsNullOrEmpty(request.ParentAccountId) ? null : request.ParentAccountId;
        // A token issued for a tree only pages that tree, and the unfiltered listing's tokens stay as they were.
        var fingerprint = string.Create(CultureInfo.InvariantCulture, $"health|{filter}|{order}|{day}")
            + (tree is null ? "" : $"|tree:{tree}");
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 2);
        var after = key is null ? null : new HealthScoreCursor(key[0], key[1]);
        if (after is not null && !CursorReadable(after, order)) v.Add("page_token", PageToken.NotIssuedHere);
        v.ThrowIfAny();
        return (filter, tree, order, pageSize, after, fingerprint);
    }

    public static string NextToken(string fingerprint, HealthScoreRow last, HealthScoreOrder order) =>
        PageToken.Encode(fingerprint, HealthStore.SortKeyOf(last, order) ?? "", last.AccountId);

    public static (string AccountId, DateOnly From, DateOnly To) Read(V1.GetHealthHistoryRequest request)
    {
        var v = new Violations().Identifier("account_id", request.AccountId);
        var from = ProtoConvert.ReadDate(v, "start_date", request.StartDate, required: true);
        var to = ProtoConvert.ReadDate(v, "end_date", request.EndDate, required: true);
        if (from is { } f && to is { } t)
        {
            if (t < f) v.Add("end_date", "must not be before start_date");
            else if (t.DayNumber - f.DayNumber >= Limits.HistoryDays)
                v.Add("end_date", $"must be less than {Limits.HistoryDays} days after start_date");
        }
        v.ThrowIfAny();
        return (request.AccountId, from!.Value, to!.Value);
    }

    /// <summary>
    /// The scorecard of a replace request. Field rules are the domain's (<see cref="Scorecard.Validate"/>, run by the
    /// store); here only the request's shape is checked.
    /// </summary>
    public static (Scorecard Scorecard, string? OnBehalfOf) Read(V1.ReplaceScorecardRequest request)
    {
        var v = new Violations().Text("updated_by", request.UpdatedBy, Limits.UpdatedBy);
        if (request.Scorecard is null) v.Add("scorecard", "is required");
        v.ThrowIfAny();
        var s = request.Scorecard!;
        var scorecard = new Scorecard(1, ToDomain(s.TechTouch), ToDomain(s.LowTouch), ToDomain(s.HighTouch),
            s.HealthyFrom, s.AtRiskFrom, s.ChangeThresholdPoints, s.EffectiveAccountWindowDays, s.MinimumCompleteness,
            s.UsageMetrics.Count == 0 ? null : s.UsageMetrics.Select(ToDomain).ToArray());
        return (scorecard, OnBehalfOf.Of(request.UpdatedBy));
    }

    /// <summary>The lead and fit options of a proposal; 0 (or absent) picks each default.</summary>
    public static (int LeadDays, FitOptions Options, DateOnly? From) Read(V1.ProposeScorecardRequest request)
    {
        var v = new Violations();
        if (request.LeadDays is < 0 or > Limits.BacktestLeadDays)
            v.Add("lead_days", $"must be from 1 to {Limits.BacktestLeadDays} (0: {HealthBacktester.DefaultLeadDays})");
        var defaults = new FitOptions();
        var holdout = request.HoldoutFraction;
        if (holdout != 0 && !(holdout >= Limits.ProposalMinHoldout && holdout <= Limits.ProposalMaxHoldout))
        {
            var (min, max) = (Limits.ProposalMinHoldout, Limits.ProposalMaxHoldout);
            v.Add("holdout_fraction", $"must be from {min} to {max} (0: {defaults.HoldoutShare})");
        }
        if (request.HasMaxUsageMetrics && request.MaxUsageMetrics is < 0 or > Limits.ProposalMaxUsageMetrics)
            v.Add("max_usage_metrics", $"must be from 0 to {Limits.ProposalMaxUsageMetrics}");
        if (request.HasL2Penalty && !(request.L2Penalty >= 0 && request.L2Penalty <= Limits.ProposalMaxL2))
            v.Add("l2_penalty", $"must be from 0 to {Limits.ProposalMaxL2}");
        var from = ProtoConvert.ReadDate(v, "renewal_start_date", request.RenewalStartDate, required: false);
        v.ThrowIfAny();
        var options = new FitOptions(
            request.HoldoutFraction == 0 ? defaults.HoldoutShare : request.HoldoutFraction,
            request.HasMaxUsageMetrics ? request.MaxUsageMetrics : defaults.MaxUsageMetrics,
            request.HasL2Penalty ? request.L2Penalty : defaults.L2);
        return (request.LeadDays == 0 ? HealthBacktester.DefaultLeadDays : request.LeadDays, options, from);
    }

    private static UsageMetricComponent ToDomain(V1.UsageMetricComponent m) =>
        new(m.Metric, m.TechTouchWeight, m.LowTouchWeight, m.HighTouchWeight, m.Breakpoints.ToArray(), m.LowerIsBetter);

    public static (long AfterSequence, int PageSize, HealthChangeFilter Filter) Read(
        V1.ListHealthChangesRequest request)
    {
        var v = new Violations();
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var filter = ReadChangeFilter(
            v, request.AfterSequence, request.Band, request.CsTier, request.Owner, request.Segment);
        v.ThrowIfAny();
        return (request.AfterSequence, pageSize, filter);
    }

    public static (long AfterSequence, HealthChangeFilter Filter) Read(V1.WatchHealthChangesRequest request)
    {
        var v = new Violations();
        var filter = ReadChangeFilter(
            v, request.AfterSequence, request.Band, request.CsTier, request.Owner, request.Segment);
        v.ThrowIfAny();
        return (request.AfterSequence, filter);
    }

    public static HealthOverrideRequest Read(V1.SetHealthOverrideRequest request)
    {
        var v = new Violations().Identifier("account_id", request.AccountId)
            .Text("set_by", request.SetBy, Limits.SetBy);
        ProtoConvert.IsDefined(v, "band", request.Band);
        var expiresAt = ReadInstant(v, "expire_time", request.ExpireTime);
        v.ThrowIfAny();
        return new HealthOverrideRequest(request.AccountId, request.HasScore ? request.Score : null,
            request.Band == V1.HealthBand.Unspecified ? null : (HealthBand)request.Band, request.Reason,
                OnBehalfOf.Of(request.SetBy), expiresAt);
    }

    public static (string AccountId, string? OnBehalfOf) Read(V1.ClearHealthOverrideRequest request)
    {
        new Violations().Identifier("account_id", request.AccountId)
            .Text("cleared_by", request.ClearedBy, Limits.ClearedBy)
            .ThrowIfAny();
        return (request.AccountId, OnBehalfOf.Of(request.ClearedBy));
    }

    public static (string? AccountId, int PageSize, long? Before, string Fingerprint) Read(
        V1.ListHealthAuditRequest request)
    {
        var v = new Violations().Identifier("account_id", request.AccountId, optional: true);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var fingerprint = $"health-audit|{request.AccountId}";
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 1);
        long? before = null;
        if (key is not null)
        {
            if (long.TryParse(key[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)) before = id;
            else v.Add("page_token", PageToken.NotIssuedHere);
        }
        v.ThrowIfAny();
        return (request.AccountId is { Length: > 0 } a ? a : null, pageSize, before, fingerprint);
    }

    /// <param name="today">The service's UTC day.</param>
    /// <param name="retentionDays">How long raw events are kept: never recompute further back than that.</param>
    public static DateOnly Read(V1.RecomputeHealthScoresRequest request, DateOnly today, int retentionDays)
    {
        var v = new Violations();
        var day = ProtoConvert.ReadDate(v, "as_of_date", request.AsOfDate, required: true);
        // Never further back than raw events are kept, and at most the history window.
        var daysBack = Math.Min(retentionDays, Limits.HistoryDays);
        if (day > today) v.Add("as_of_date", $"must not be in the future (today is {today:yyyy-MM-dd} UTC)");
        else if (day < today.AddDays(-daysBack))
            v.Add("as_of_date", $"must be at most {daysBack} days back (from {today.AddDays(-daysBack):yyyy-MM-dd})");
        v.ThrowIfAny();
        return day!.Value;
    }

    public static (int LeadDays, DateOnly? From, DateOnly? To) Read(V1.BacktestHealthScoresRequest request)
    {
        var v = new Violations();
        if (request.LeadDays is < 0 or > Limits.BacktestLeadDays)
            v.Add("lead_days", $"must be from 1 to {Limits.BacktestLeadDays} (0: {HealthBacktester.DefaultLeadDays})");
        var from = ProtoConvert.ReadDate(v, "renewal_start_date", request.RenewalStartDate, required: false);
        var to = ProtoConvert.ReadDate(v, "renewal_end_date", request.RenewalEndDate, required: false);
        if (from is { } f && to is { } t && t < f) v.Add("renewal_end_date", "must not be before renewal_start_date");
        v.ThrowIfAny();
        return (request.LeadDays == 0 ? HealthBacktester.DefaultLeadDays : request.LeadDays, from, to);
    }

    /// <summary>The cursor and filters of ListHealthChanges and WatchHealthChanges, broken rules added to <paramref
    /// name="v"/>.</summary>
    private static HealthChangeFilter ReadChangeFilter(
        Violations v, long afterSequence, V1.HealthBand band, V1.CsTier tier, string owner, string segment)
    {
        if (afterSequence < 0) v.Add("after_sequence", "must be 0 or more");
        v.Text("owner", owner, Limits.Owner).Text("segment", segment, Limits.Segment);
        ProtoConvert.IsDefined(v, "band", band);
        ProtoConvert.IsDefined(v, "cs_tier", tier);
        return new HealthChangeFilter(
            band == V1.HealthBand.Unspecified ? null : (HealthBand)band,
            tier == V1.CsTier.Unspecified ? null : AccountMapping.ToDomain(tier),
            OptionalText(owner),
            OptionalText(segment));
    }

    /// <summary>An instant from a timestamp field; null (not reported) when absent, reported when out of
    /// range.</summary>
    private static DateTimeOffset? ReadInstant(
        Violations v, string field, Google.Protobuf.WellKnownTypes.Timestamp? timestamp)
    {
        if (timestamp is null) return null;
        if (ProtoConvert.InWindow(timestamp)) return timestamp.ToDateTimeOffset();
        v.Add(field, $"must be a valid timestamp {DateWindow.Description}");
        return null;
    }

    private static TierScorecard ToDomain(V1.TierScorecard? tier) =>
        tier is null
            ? new TierScorecard(null!, null) // reported by Validate as "weights are required"
            : new TierScorecard(
                tier.Weights is { } w ? ToDomain(w) : null!, tier.HasTouchpointCadenceDays ? tier.TouchpointCadenceDays
                : null);

    private static ComponentWeights ToDomain(V1.ComponentWeights w) =>
        new(w.Engagement, w.Adoption, w.Momentum, w.Onboarding, w.Sentiment, w.Support, w.Relationship);

    private static string? OptionalText(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static bool CursorReadable(HealthScoreCursor cursor, HealthScoreOrder order)
    {
        if (string.IsNullOrEmpty(cursor.AccountId)) return false;
        if (string.IsNullOrEmpty(cursor.Key)) return true;
        return order switch
        {
            HealthScoreOrder.Score or HealthScoreOrder.Change7Days =>
                double.TryParse(cursor.Key, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            HealthScoreOrder.Arr =>
                long.TryParse(cursor.Key, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            HealthScoreOrder.RenewalDate => PageToken.TryReadDay(cursor.Key, out _),
            _ => false,
        };
    }
}
