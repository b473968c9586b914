using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Expansion;
using CustomerHealth.Infrastructure.Expansion;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Metrics;

/// <summary>
/// A <c>ListExpansionSignals</c> request read: the peer groups to read whole (tier, segment), what to keep of them,
/// the page, and the fingerprint its next token carries.
/// </summary>
public sealed record ExpansionQuery(
    ExpansionPopulation Population, string? Owner, bool IncludeNotQualified, ExpansionSignalKind? Signal, int PageSize,
    string? AfterAccountId, string Fingerprint)
{
    /// <summary>Whether an assessed account is listed.</summary>
    public bool Keeps(ExpansionAssessment a) =>
        (Owner is null || string.Equals(a.Facts.Owner, Owner, StringComparison.Ordinal))
        && (IncludeNotQualified || a.ProductQualified)
        && (Signal is not { } kind || a.Reasons.Any(r => r.Kind == kind))
        && (AfterAccountId is null || string.CompareOrdinal(a.Facts.AccountId, AfterAccountId) > 0);
}

/// <summary>
/// Reads the expansion-signal requests of the metrics service, checking every field rule first and reporting all
/// violations at once (INVALID_ARGUMENT with field paths as the caller names them).
/// </summary>
public static class ExpansionRequests
{
    /// <summary>The bounds of the caller-controlled fields of the expansion-signal RPCs.</summary>
    public static class Limits
    {
        public const int Id = Identifiers.MaxLength;
        public const int Segment = AccountDetails.MaxSegmentLength;
        public const int Owner = AccountDetails.MaxOwnerLength;

        /// <summary>The bounds as a table, by request message and field path (see <see
        /// cref="RequestLimits"/>).</summary>
        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Length<V1.GetExpansionSignalsRequest>("account_id", Id),
            FieldLimit.Length<V1.ListExpansionSignalsRequest>("segment", Segment),
            FieldLimit.Length<V1.ListExpansionSignalsRequest>("owner", Owner),
            FieldLimit.Length<V1.ListExpansionSignalsRequest>("page_token", PageToken.MaxTokenLength),
        ];
    }

    public static string Read(V1.GetExpansionSignalsRequest request) =>
        AccountRequests.ReadAccountId(request.AccountId);

    /// <param name="today">The figures are as of today, so a token is only good on the day it was issued.</param>
    public static ExpansionQuery Read(V1.ListExpansionSignalsRequest request, DateOnly today)
    {
        var v = new Violations().Text("segment", request.Segment, Limits.Segment)
            .Text("owner", request.Owner, Limits.Owner);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        ProtoConvert.IsDefined(v, "cs_tier", request.CsTier);
        ProtoConvert.IsDefined(v, "signal", request.Signal);
        v.ThrowIfAny();
        var tier = request.CsTier == V1.CsTier.Unspecified ? (CsTier?)null : AccountMapping.ToDomain(request.CsTier);
        var segment = string.IsNullOrWhiteSpace(request.Segment) ? null : request.Segment.Trim();
        var owner = string.IsNullOrWhiteSpace(request.Owner) ? null : request.Owner.Trim();
        var signal = request.Signal == V1.ExpansionSignalKind.Unspecified ? (ExpansionSignalKind?)null
            : (ExpansionSignalKind)request.Signal;
        var fingerprint = FormattableString.Invariant(
            $"expansion|{tier}|{segment}|{owner}|{request.IncludeNotQualified}|{signal}|{today:yyyy-MM-dd}");
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 1);
        v.ThrowIfAny();
        return new ExpansionQuery(new ExpansionPopulation(tier, segment), owner, request.IncludeNotQualified, signal,
            pageSize, key?[0], fingerprint);
    }

    public static string NextToken(string fingerprint, string lastAccountId) =>
        PageToken.Encode(fingerprint, lastAccountId);
}
