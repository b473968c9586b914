using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Audit;
using CustomerHealth.Server.Engagement;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Onboarding;

/// <summary>A <c>CompleteMilestone</c> request read.</summary>
public sealed record MilestoneCompletion(
    string AccountId, string MilestoneKey, string? OnBehalfOf, string Note, DateTime? At);

/// <summary>
/// Reads each onboarding request into store input, checking every field rule first and reporting all violations at once
/// (INVALID_ARGUMENT with field paths as the caller names them), so a bad request writes nothing. A template's
/// milestones are checked by the domain (<see cref="PlanTemplate"/>); here only what the proto alone can tell.
/// </summary>
public static class OnboardingRequests
{
    /// <summary>The bounds of the caller-controlled fields of the onboarding service.</summary>
    public static class Limits
    {
        public const int CompletedBy = PersonNames.MaxLength;
        public const int Note = Milestone.MaxNoteLength;
        public const int Owner = PersonNames.MaxLength;
        public const int UpdatedBy = PersonNames.MaxLength;
        public const int Id = Identifiers.MaxLength;
        public const int Milestones = PlanTemplate.MaxMilestones;
        public const int MilestoneKey = MilestoneTemplate.MaxKeyLength;
        public const int MilestoneTitle = MilestoneTemplate.MaxTitleLength;
        public const int EventName = Domain.Engagement.EventRules.MaxEventNameLength;
        public const int Segment = AccountDetails.MaxSegmentLength;
        public const int MaxDaysOverdue = 3650;

        /// <summary>The bounds as a table, by request message and field path (see <see
        /// cref="RequestLimits"/>).</summary>
        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Length<V1.GetOnboardingPlanRequest>("account_id", Id),
            FieldLimit.Length<V1.CreateOnboardingPlanRequest>("account_id", Id),
            FieldLimit.Length<V1.CompleteMilestoneRequest>("account_id", Id),
            FieldLimit.Length<V1.CompleteMilestoneRequest>("milestone_key", Id),
            FieldLimit.Length<V1.CompleteMilestoneRequest>("completed_by", CompletedBy),
            FieldLimit.Length<V1.CompleteMilestoneRequest>("note", Note),
            FieldLimit.Length<V1.ListOverdueMilestonesRequest>("owner", Owner),
            FieldLimit.Length<V1.ListOverdueMilestonesRequest>("segment", Segment),
            FieldLimit.Length<V1.ListOverdueMilestonesRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Count<V1.ReplacePlanTemplateRequest>("milestones", Milestones),
            FieldLimit.Length<V1.ReplacePlanTemplateRequest>("milestones[].key", MilestoneKey),
            FieldLimit.Length<V1.ReplacePlanTemplateRequest>("milestones[].title", MilestoneTitle),
            FieldLimit.Length<V1.ReplacePlanTemplateRequest>("milestones[].rule.event_name", EventName),
            FieldLimit.Length<V1.ReplacePlanTemplateRequest>("updated_by", UpdatedBy),
        ];
    }

    public static (string AccountId, DateOnly Start) Read(V1.CreateOnboardingPlanRequest request)
    {
        var v = new Violations().Identifier("account_id", request.AccountId);
        var start = ProtoConvert.ReadDate(v, "start_date", request.StartDate, required: true);
        v.ThrowIfAny();
        return (request.AccountId, start!.Value);
    }

    public static MilestoneCompletion Read(V1.CompleteMilestoneRequest request)
    {
        var v = new Violations()
            .Identifier("account_id", request.AccountId)
            .Identifier("milestone_key", request.MilestoneKey)
            .Text("completed_by", request.CompletedBy, Limits.CompletedBy)
            .Text("note", request.Note, Limits.Note, multiline: true);
        var at = EventRequests.ReadTime(request.CompleteTime);
        if (request.CompleteTime is { } time && !ProtoConvert.InWindow(time))
        {
            v.Add("complete_time", $"must be a valid timestamp {DateWindow.Description}");
        }
        v.ThrowIfAny();
        return new MilestoneCompletion(
            request.AccountId, request.MilestoneKey, OnBehalfOf.Of(request.CompletedBy), request.Note, at);
    }

    /// <param name="today">Overdue counts from today, so a token is only good on the day it was issued.</param>
    public static (OverdueFilter Filter, int PageSize, OverdueCursor? After, string Fingerprint) Read(
        V1.ListOverdueMilestonesRequest request, DateOnly today)
    {
        var v = new Violations().Text("owner", request.Owner, Limits.Owner)
            .Text("segment", request.Segment, Limits.Segment);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        ProtoConvert.IsDefined(v, "cs_tier", request.CsTier);
        if (request.MaxDaysOverdue is < 0 or > Limits.MaxDaysOverdue)
            v.Add("max_days_overdue", $"must be from 0 to {Limits.MaxDaysOverdue} (0: no limit)");
        var filter = new OverdueFilter(
            string.IsNullOrWhiteSpace(request.Owner) ? null : request.Owner.Trim(),
            request.CsTier == V1.CsTier.Unspecified ? null : AccountMapping.ToDomain(request.CsTier),
            string.IsNullOrWhiteSpace(request.Segment) ? null : request.Segment.Trim(),
            request.IncludeChurned,
            request.MaxDaysOverdue > 0 ? request.MaxDaysOverdue : null);
        // The unfiltered queue keeps the token format it always had.
        var extra = filter is { Segment: null, IncludeChurned: false, MaxDaysOverdue: null } ? ""
            : $"|{filter.Segment}|{filter.IncludeChurned}|{filter.MaxDaysOverdue}";
        var fingerprint = $"overdue|{filter.Owner}|{filter.Tier}|{PageToken.FormatDay(today)}{extra}";
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 3);
        OverdueCursor? after = null;
        if (key is not null)
        {
            if (PageToken.TryReadDay(key[0], out var due)) after = new OverdueCursor(due, key[1], key[2]);
            else v.Add("page_token", PageToken.NotIssuedHere);
        }
        v.ThrowIfAny();
        return (filter, pageSize, after, fingerprint);
    }

    public static string NextToken(string fingerprint, OverdueItem last) =>
        PageToken.Encode(fingerprint, PageToken.FormatDay(last.DueDate), last.AccountId, last.Key);

    public static CsTier Read(V1.GetPlanTemplateRequest request)
    {
        var v = new Violations();
        var tier = ReadTier(v, "cs_tier", request.CsTier);
        v.ThrowIfAny();
        return tier;
    }

    public static (CsTier Tier, IReadOnlyList<MilestoneTemplate> Milestones, string? OnBehalfOf) Read(
        V1.ReplacePlanTemplateRequest request)
    {
        var v = new Violations();
        var tier = ReadTier(v, "cs_tier", request.CsTier);
        v.Text("updated_by", request.UpdatedBy, Limits.UpdatedBy);
        var milestones = ReadMilestones(v, request.Milestones);
        v.ThrowIfAny();
        return (tier, milestones, OnBehalfOf.Of(request.UpdatedBy));
    }

    private static CsTier ReadTier(Violations v, string field, V1.CsTier tier)
    {
        if (!ProtoConvert.IsDefined(v, field, tier)) return CsTier.Unspecified;
        if (tier == V1.CsTier.Unspecified) v.Add(field, "is required");
        return AccountMapping.ToDomain(tier);
    }

    private static IReadOnlyList<MilestoneTemplate> ReadMilestones(
        Violations v, IReadOnlyList<V1.MilestoneTemplate> milestones)
    {
        var result = new List<MilestoneTemplate>(milestones.Count);
        for (var i = 0; i < milestones.Count; i++)
        {
            var m = milestones[i];
            var rule = m.Rule ?? new V1.MilestoneRule();
            ProtoConvert.IsDefined(v, $"milestones[{i}].rule.kind", rule.Kind);
            // The range is the rule's own (PlanTemplate.Validate); NaN and infinities cannot even be stored.
            if (!double.IsFinite(rule.Share)) v.Add($"milestones[{i}].rule.share", "must be a finite number");
            var eventName = string.IsNullOrEmpty(rule.EventName) ? null : rule.EventName;
            result.Add(new MilestoneTemplate(m.Key, m.Title, m.DueDay,
                new MilestoneRule((MilestoneRuleKind)rule.Kind, eventName, rule.Count, rule.Share)));
        }
        return result;
    }
}
