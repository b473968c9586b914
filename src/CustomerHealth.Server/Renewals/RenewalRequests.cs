using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;
using Model = CustomerHealth.Domain.Renewals;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Renewals;

/// <summary>
/// Which prediction a <c>GetRenewalPrediction</c> asks for: a contract's, or an account's next renewal.
/// </summary>
public sealed record RenewalTarget(string? ContractId, string? AccountId);

/// <summary>
/// What a <c>ListRenewalHoldout</c> asks for: a model's stored holdout, or (with both dates) a backtest over renewal
/// dates; the page size, the cursor, and the fingerprint its next token carries.
/// </summary>
public sealed record HoldoutQuery(
    int Version, DateOnly? Start, DateOnly? End, int PageSize, (DateOnly Day, string ContractId)? After,
        string Fingerprint);

/// <summary>
/// Reads each renewal request into store input, checking every field rule first and reporting all violations at once
/// (INVALID_ARGUMENT with field paths as the caller names them).
/// </summary>
public static class RenewalRequests
{
    /// <summary>
    /// The bounds of the caller-controlled fields of the renewal service (the horizon is configured).
    /// </summary>
    public static class Limits
    {
        public const int Owner = PersonNames.MaxLength;
        public const int TrainLeadDays = RenewalOptions.MaxLeadDays;
        public const int Id = Identifiers.MaxLength;
        public const int Segment = Domain.Accounts.AccountDetails.MaxSegmentLength;

        /// <summary>The bounds as a table, by request message and field path (see <see
        /// cref="RequestLimits"/>).</summary>
        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Length<V1.GetRenewalPredictionRequest>("account_id", Id),
            FieldLimit.Length<V1.GetRenewalPredictionRequest>("contract_id", Id),
            FieldLimit.Length<V1.ListUpcomingRenewalsRequest>("owner", Owner),
            FieldLimit.Length<V1.ListUpcomingRenewalsRequest>("segment", Segment),
            FieldLimit.Length<V1.ListPredictionChangesRequest>("segment", Segment),
            FieldLimit.Length<V1.GetRenewalForecastRequest>("owner", Owner),
            FieldLimit.Length<V1.GetRenewalForecastRequest>("segment", Segment),
            FieldLimit.Length<V1.ListUpcomingRenewalsRequest>("parent_account_id", Identifiers.MaxLength),
            FieldLimit.Length<V1.GetRenewalForecastRequest>("parent_account_id", Identifiers.MaxLength),
            FieldLimit.Length<V1.ListUpcomingRenewalsRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Length<V1.ListRenewalModelsRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Length<V1.ListRenewalHoldoutRequest>("page_token", PageToken.MaxTokenLength),
        ];
    }

    private const string ModelsFingerprint = "renewal-models";

    public static RenewalTarget Read(V1.GetRenewalPredictionRequest request) => request.TargetCase switch
    {
        V1.GetRenewalPredictionRequest.TargetOneofCase.ContractId =>
            new RenewalTarget(AccountRequests.ReadContractId(request.ContractId), null),
        V1.GetRenewalPredictionRequest.TargetOneofCase.AccountId =>
            new RenewalTarget(null, AccountRequests.ReadAccountId(request.AccountId)),
        _ => throw new ValidationException("target", "give account_id or contract_id"),
    };

    /// <param name="horizonDays">The configured horizon: the widest window, and the one 0 stands for.</param>
    /// <param name="today">The window counts from today, so a token is only good on the day it was issued.</param>
    public static (UpcomingRenewalFilter Filter, UpcomingRenewalOrder Order, int PageSize,
        UpcomingRenewalCursor? After, string Fingerprint)
        Read(V1.ListUpcomingRenewalsRequest request, int horizonDays, DateOnly today)
    {
        var v = new Violations();
        var filter = ReadFilter(v, request.WithinDays, request.MinimumRisk, request.CsTier, request.Owner,
            request.Segment, request.ParentAccountId, horizonDays);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        ProtoConvert.IsDefined(v, "order_by", request.OrderBy);
        var order = request.OrderBy == V1.UpcomingRenewalOrder.Risk ? UpcomingRenewalOrder.Risk
            : UpcomingRenewalOrder.RenewalDate;
        var fingerprint = string.Create(CultureInfo.InvariantCulture, $"renewals|{filter}|{order}|{today:yyyy-MM-dd}");
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 2);
        if (key is not null && !CursorReadable(key[0], order)) v.Add("page_token", PageToken.NotIssuedHere);
        v.ThrowIfAny();
        return (filter, order, pageSize, key is null ? null : new UpcomingRenewalCursor(key[0], key[1]), fingerprint);
    }

    /// <summary>The window and filters of a forecast: those of <c>ListUpcomingRenewals</c>, read by the same
    /// rules.</summary>
    /// <param name="horizonDays">The configured horizon: the widest window, and the one 0 stands for.</param>
    public static UpcomingRenewalFilter Read(V1.GetRenewalForecastRequest request, int horizonDays)
    {
        var v = new Violations();
        var filter = ReadFilter(v, request.WithinDays, request.MinimumRisk, request.CsTier, request.Owner,
            request.Segment, request.ParentAccountId, horizonDays);
        v.ThrowIfAny();
        return filter;
    }

    private static UpcomingRenewalFilter ReadFilter(
        Violations v, int withinDays, V1.RenewalRisk minimumRisk, V1.CsTier tier, string owner, string segment,
        string parentAccountId, int horizonDays)
    {
        v.Text("owner", owner, Limits.Owner).Text("segment", segment, Limits.Segment)
            .Identifier("parent_account_id", parentAccountId, optional: true);
        if (withinDays < 0 || withinDays > horizonDays)
            v.Add("within_days", $"must be from 0 to the horizon, {horizonDays} days (0 means the horizon)");
        ProtoConvert.IsDefined(v, "minimum_risk", minimumRisk);
        ProtoConvert.IsDefined(v, "cs_tier", tier);
        return new UpcomingRenewalFilter(
            withinDays == 0 ? horizonDays : withinDays,
            minimumRisk == V1.RenewalRisk.Unspecified ? null : (Model.RenewalRisk)minimumRisk,
            tier == V1.CsTier.Unspecified ? null : AccountMapping.ToDomain(tier),
            string.IsNullOrWhiteSpace(owner) ? null : owner.Trim(),
            string.IsNullOrWhiteSpace(segment) ? null : segment.Trim(),
            string.IsNullOrEmpty(parentAccountId) ? null : parentAccountId);
    }

    public static string NextToken(string fingerprint, RenewalPredictionRow last, UpcomingRenewalOrder order) =>
        PageToken.Encode(fingerprint, RenewalStore.SortKeyOf(last, order), last.ContractId);

    public static (long AfterSequence, int PageSize, string? Segment) Read(V1.ListPredictionChangesRequest request)
    {
        var v = new Violations().Text("segment", request.Segment, Limits.Segment);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        if (request.AfterSequence < 0) v.Add("after_sequence", "must not be negative");
        v.ThrowIfAny();
        var segment = string.IsNullOrWhiteSpace(request.Segment) ? null : request.Segment.Trim();
        return (request.AfterSequence, pageSize, segment);
    }

    /// <summary>The lead to train with: the request's, or <paramref name="configuredLeadDays"/> for 0.</summary>
    public static int Read(V1.TrainRenewalModelRequest request, int configuredLeadDays)
    {
        if (request.LeadDays is < 0 or > Limits.TrainLeadDays)
            throw new ValidationException(
                "lead_days", $"must be from 0 to {Limits.TrainLeadDays} (0 means the configured lead)");
        return request.LeadDays == 0 ? configuredLeadDays : request.LeadDays;
    }

    /// <summary>The version asked for; 0 is the serving model.</summary>
    public static int Read(V1.GetRenewalModelRequest request) =>
        request.Version >= 0 ? request.Version
            : throw new ValidationException("version", "must not be negative (0 means the serving model)");

    public static (int PageSize, int? Before) Read(V1.ListRenewalModelsRequest request)
    {
        var v = new Violations();
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var key = PageToken.Decode(v, request.PageToken, ModelsFingerprint, keyParts: 1);
        int? before = null;
        if (key is not null)
        {
            if (int.TryParse(
                key[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version)) before = version;
            else v.Add("page_token", PageToken.NotIssuedHere);
        }
        v.ThrowIfAny();
        return (pageSize, before);
    }

    public static string NextModelsToken(int lastVersion) =>
        PageToken.Encode(ModelsFingerprint, lastVersion.ToString(CultureInfo.InvariantCulture));

    /// <summary>The version to serve; 0 is the heuristic.</summary>
    public static int Read(V1.ServeRenewalModelRequest request) =>
        request.Version >= 0 ? request.Version
            : throw new ValidationException("version", "must not be negative (0 means the heuristic)");

    public static HoldoutQuery Read(V1.ListRenewalHoldoutRequest request)
    {
        var v = new Violations();
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        if (request.Version < 0) v.Add("version", "must not be negative (0 means the serving model)");
        var start = ProtoConvert.ReadDate(v, "start_date", request.StartDate, required: request.EndDate is not null);
        var end = ProtoConvert.ReadDate(v, "end_date", request.EndDate, required: request.StartDate is not null);
        if (start is { } s && end is { } e && e < s) v.Add("end_date", "must not be before start_date");
        var fingerprint = string.Create(
            CultureInfo.InvariantCulture, $"holdout|{request.Version}|{start:yyyy-MM-dd}|{end:yyyy-MM-dd}");
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 2);
        (DateOnly, string)? after = null;
        if (key is not null)
        {
            if (PageToken.TryReadDay(key[0], out var day)) after = (day, key[1]);
            else v.Add("page_token", PageToken.NotIssuedHere);
        }
        v.ThrowIfAny();
        return new HoldoutQuery(request.Version, start, end, pageSize, after, fingerprint);
    }

    public static string NextHoldoutToken(string fingerprint, (DateOnly Day, string ContractId) last) =>
        PageToken.Encode(fingerprint, PageToken.FormatDay(last.Day), last.ContractId);

    private static bool CursorReadable(string sortKey, UpcomingRenewalOrder order) =>
        order == UpcomingRenewalOrder.Risk
            ? double.TryParse(sortKey, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : PageToken.TryReadDay(sortKey, out _);
}
