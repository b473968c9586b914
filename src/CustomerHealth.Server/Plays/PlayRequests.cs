using System.Globalization;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Plays;
using CustomerHealth.Infrastructure.Plays;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Plays;

/// <summary>
/// Reads the play service's requests into domain input, checking every field rule first and reporting all violations
/// at once (INVALID_ARGUMENT with field paths as the caller names them). The rule set's own rules are the domain's
/// (<see cref="PlayRuleSet.Validate"/>).
/// </summary>
public static class PlayRequests
{
    /// <summary>The bounds of the caller-controlled fields of the play service.</summary>
    public static class Limits
    {
        public const int Id = Identifiers.MaxLength;
        public const int Owner = PersonNames.MaxLength;
        public const int Note = Play.MaxNoteLength;

        /// <summary>Every status once.</summary>
        public const int Statuses = 5;

        /// <summary>One rule per kind.</summary>
        public const int Rules = 10;

        /// <summary>One cadence per tier.</summary>
        public const int Cadences = 3;

        public const int Segment = Domain.Accounts.AccountDetails.MaxSegmentLength;

        /// <summary>The furthest a snooze reaches.</summary>
        public const int MaxSnoozeDays = 366;

        /// <summary>The bounds by request message and field path (see <see cref="RequestLimits"/>).</summary>
        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Length<V1.ListPlaysRequest>("owner", Owner),
            FieldLimit.Count<V1.ListPlaysRequest>("statuses", Statuses),
            FieldLimit.Length<V1.ListPlaysRequest>("account_id", Id),
            FieldLimit.Length<V1.ListPlaysRequest>("segment", Segment),
            FieldLimit.Length<V1.ListPlaysRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Length<V1.CompletePlayRequest>("note", Note),
            FieldLimit.Count<V1.UpdatePlayRulesRequest>("rule_set.rules", Rules),
            FieldLimit.Count<V1.UpdatePlayRulesRequest>("rule_set.cadences", Cadences),
            // Set by the service: a request's value is not read.
            FieldLimit.Ignored<V1.UpdatePlayRulesRequest>("rule_set.set_by"),
            FieldLimit.Length<V1.ListPlayChangesRequest>("owner", Owner),
            FieldLimit.Length<V1.WatchPlaysRequest>("owner", Owner),
        ];
    }

    public static (PlayFilter Filter, int PageSize, PlayKey? After, string Fingerprint) Read(
        V1.ListPlaysRequest request)
    {
        var v = new Violations().Text("owner", request.Owner, Limits.Owner)
            .Identifier("account_id", request.AccountId, optional: true)
            .Text("segment", request.Segment, Limits.Segment);
        var tier = ReadTier(v, "cs_tier", request.CsTier);
        ProtoConvert.IsDefined(v, "priority", request.Priority);
        if (request.Statuses.Count > Limits.Statuses)
            v.Add("statuses", $"may hold at most {Limits.Statuses} statuses (got {request.Statuses.Count})");
        else
            for (var i = 0; i < request.Statuses.Count; i++)
                ProtoConvert.IsDefined(v, $"statuses[{i}]", request.Statuses[i]);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        v.ThrowIfAny();
        var statuses = request.Statuses.Where(s => s != V1.PlayStatus.Unspecified).Select(s => (PlayStatus)s)
            .Distinct().Order().ToArray();
        var filter = new PlayFilter(Optional(request.Owner), tier,
            request.Priority == V1.PlayPriority.Unspecified ? null : (PlayPriority)request.Priority, statuses,
            Optional(request.AccountId), Optional(request.Segment));
        // A token of a page without a segment stays valid: the segment joins the fingerprint only when given.
        var fingerprint = string.Join('|', filter.Owner, filter.Tier, filter.Priority,
            string.Join(',', statuses), filter.AccountId)
            + (filter.Segment is null ? "" : "|" + filter.Segment);
        var key = PageToken.Decode(v, request.PageToken, fingerprint, 2);
        var after = key is null ? null : ReadKey(v, key);
        v.ThrowIfAny();
        return (filter, pageSize, after, fingerprint);
    }

    public static string NextToken(string fingerprint, Play last) =>
        PageToken.Encode(fingerprint, PageToken.FormatDay(last.DueDate),
            last.Id.ToString(CultureInfo.InvariantCulture));

    public static long Read(V1.GetPlayRequest request) => ReadId(request.PlayId);

    public static long Read(V1.AcknowledgePlayRequest request) => ReadId(request.PlayId);

    public static (long Id, PlayOutcome Outcome, string? Note) Read(V1.CompletePlayRequest request)
    {
        var v = new Violations();
        CheckId(v, request.PlayId);
        if (ProtoConvert.IsDefined(v, "outcome", request.Outcome) && request.Outcome == V1.PlayOutcome.Unspecified)
            v.Add("outcome", "is required: addressed, escalated, no response or not needed");
        v.Text("note", request.Note, Limits.Note, multiline: true);
        v.ThrowIfAny();
        return (request.PlayId, (PlayOutcome)request.Outcome, Optional(request.Note));
    }

    public static (long Id, DateOnly Until) Read(V1.SnoozePlayRequest request, DateOnly today)
    {
        var v = new Violations();
        CheckId(v, request.PlayId);
        var until = ProtoConvert.ReadDate(v, "until_date", request.UntilDate, required: true);
        if (until is { } day && (day <= today || day > today.AddDays(Limits.MaxSnoozeDays)))
            v.Add("until_date",
                $"must be after today {today:yyyy-MM-dd} and at most {Limits.MaxSnoozeDays} days ahead");
        v.ThrowIfAny();
        return (request.PlayId, until!.Value);
    }

    public static (PlayRuleSet Rules, int ExpectedVersion) Read(V1.UpdatePlayRulesRequest request)
    {
        var v = new Violations();
        if (request.RuleSet is null) v.Add("rule_set", "is required");
        if (request.ExpectedVersion < 0) v.Add("expected_version", "must be 0 (the defaults) or a stored version");
        if (request.RuleSet is { } set)
        {
            if (set.Rules.Count > Limits.Rules) v.Add("rule_set.rules", $"may hold at most {Limits.Rules} rules");
            if (set.Cadences.Count > Limits.Cadences)
                v.Add("rule_set.cadences", $"may hold at most {Limits.Cadences} cadences");
        }
        v.ThrowIfAny();
        var rules = PlayMapping.ToDomain(request.RuleSet!);
        foreach (var item in rules.Validate().Items) v.Add("rule_set." + item.Field, item.Description);
        v.ThrowIfAny();
        return (rules, request.ExpectedVersion);
    }

    public static (long AfterSequence, int PageSize, PlayChangeFilter Filter) Read(V1.ListPlayChangesRequest request)
    {
        var v = new Violations();
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var filter = ReadChangeFilter(v, request.AfterSequence, request.Owner, request.CsTier);
        v.ThrowIfAny();
        return (request.AfterSequence, pageSize, filter);
    }

    public static (long AfterSequence, PlayChangeFilter Filter) Read(V1.WatchPlaysRequest request)
    {
        var v = new Violations();
        var filter = ReadChangeFilter(v, request.AfterSequence, request.Owner, request.CsTier);
        v.ThrowIfAny();
        return (request.AfterSequence, filter);
    }

    private static PlayChangeFilter ReadChangeFilter(Violations v, long afterSequence, string owner, V1.CsTier tier)
    {
        if (afterSequence < 0) v.Add("after_sequence", "must be 0 or a sequence from an earlier answer");
        v.Text("owner", owner, Limits.Owner);
        return new PlayChangeFilter(Optional(owner), ReadTier(v, "cs_tier", tier));
    }

    private static CsTier? ReadTier(Violations v, string field, V1.CsTier tier) =>
        ProtoConvert.IsDefined(v, field, tier) && tier != V1.CsTier.Unspecified ? (CsTier)tier : null;

    private static long ReadId(long id)
    {
        var v = new Violations();
        CheckId(v, id);
        v.ThrowIfAny();
        return id;
    }

    private static void CheckId(Violations v, long id)
    {
        if (id <= 0) v.Add("play_id", "is required: a play id from 1 up");
    }

    private static PlayKey? ReadKey(Violations v, string[] key)
    {
        if (PageToken.TryReadDay(key[0], out var day)
            && long.TryParse(key[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return new PlayKey(day, id);
        v.Add("page_token", PageToken.NotIssuedHere);
        return null;
    }

    private static string? Optional(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
