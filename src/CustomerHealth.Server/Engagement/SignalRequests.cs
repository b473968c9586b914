using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using DateTime = System.DateTime;
using Model = CustomerHealth.Domain.Engagement;

namespace CustomerHealth.Server.Engagement;

/// <summary>
/// Reads the NPS, support-ticket and touchpoint requests into store input, checking every field rule first and
/// reporting all violations at once (INVALID_ARGUMENT with proto field paths), so a bad request writes nothing.
/// Instants may be at most <see cref="Model.EventRules.MaxClockSkew"/> ahead of <c>now</c> (callers' clocks drift) and
/// are kept to the microsecond, the finest precision every database stores, so that a repeated request compares equal
/// to what was stored.
/// </summary>
public static class SignalRequests
{
    /// <summary>The bounds of the caller-controlled fields of the NPS, support-ticket and touchpoint RPCs.</summary>
    public static class Limits
    {
        public const int NpsScore = 10;
        public const int NpsComment = Model.NpsResponse.MaxCommentLength;
        public const int TicketSubject = Model.SupportTicket.MaxSubjectLength;
        public const int TouchpointCsm = Model.Touchpoint.MaxCsmLength;
        public const int TouchpointNote = Model.Touchpoint.MaxNoteLength;
        public const int Id = Identifiers.MaxLength;

        /// <summary>
        /// The bounds as a table, by request message and field path (see <see cref="RequestLimits"/>).
        /// </summary>
        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Length<RecordNpsResponseRequest>("response.response_id", Id),
            FieldLimit.Length<RecordNpsResponseRequest>("response.account_id", Id),
            FieldLimit.Length<RecordNpsResponseRequest>("response.respondent_id", Id),
            FieldLimit.Length<RecordNpsResponseRequest>("response.comment", NpsComment),
            FieldLimit.Length<UpsertSupportTicketRequest>("ticket.ticket_id", Id),
            FieldLimit.Length<UpsertSupportTicketRequest>("ticket.account_id", Id),
            FieldLimit.Length<UpsertSupportTicketRequest>("ticket.subject", TicketSubject),
            FieldLimit.Length<RecordTouchpointRequest>("touchpoint.touchpoint_id", Id),
            FieldLimit.Length<RecordTouchpointRequest>("touchpoint.account_id", Id),
            FieldLimit.Length<RecordTouchpointRequest>("touchpoint.csm", TouchpointCsm),
            FieldLimit.Length<RecordTouchpointRequest>("touchpoint.note", TouchpointNote),
            FieldLimit.Length<ListNpsResponsesRequest>("account_id", Id),
            FieldLimit.Length<ListNpsResponsesRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Length<ListSupportTicketsRequest>("account_id", Id),
            FieldLimit.Length<ListSupportTicketsRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Length<ListTouchpointsRequest>("account_id", Id),
            FieldLimit.Length<ListTouchpointsRequest>("page_token", PageToken.MaxTokenLength),
        ];
    }

    public static NpsResponseInput Read(RecordNpsResponseRequest request, DateTime now)
    {
        var v = new Violations();
        var response = request.Response;
        if (response is null)
        {
            v.Add("response", "is required").ThrowIfAny();
        }
        v.Identifier("response.response_id", response!.ResponseId)
            .Identifier("response.account_id", response.AccountId)
            .Token("response.respondent_id", response.RespondentId)
            .Text("response.comment", response.Comment, Limits.NpsComment, multiline: true);
        if (response.Score is < 0 or > Limits.NpsScore)
            v.Add("response.score", $"must be between 0 and {Limits.NpsScore} (got {response.Score})");
        var answeredAt = ReadInstant(v, "response.answer_time", response.AnswerTime, now, required: true);
        v.ThrowIfAny();
        return new NpsResponseInput(
            response.ResponseId, response.AccountId, response.RespondentId, response.Score, response.Comment,
            answeredAt!.Value);
    }

    public static SupportTicketInput Read(UpsertSupportTicketRequest request, DateTime now)
    {
        var v = new Violations();
        var ticket = request.Ticket;
        if (ticket is null)
        {
            v.Add("ticket", "is required").ThrowIfAny();
        }
        v.Identifier("ticket.ticket_id", ticket!.TicketId)
            .Identifier("ticket.account_id", ticket.AccountId)
            .Text("ticket.subject", ticket.Subject, Limits.TicketSubject);
        if (ProtoConvert.IsDefined(v, "ticket.severity", ticket.Severity)
            && ticket.Severity == V1.TicketSeverity.Unspecified)
            v.Add(
                "ticket.severity",
                "is required: TICKET_SEVERITY_LOW, TICKET_SEVERITY_NORMAL, TICKET_SEVERITY_HIGH or " +
                "TICKET_SEVERITY_URGENT");
        var openedAt = ReadInstant(v, "ticket.open_time", ticket.OpenTime, now, required: true);
        var closedAt = ReadInstant(v, "ticket.close_time", ticket.CloseTime, now, required: false);
        if (openedAt is { } opened && closedAt is { } closed && closed < opened)
            v.Add("ticket.close_time", $"must not be before open_time {Format(opened)} (got {Format(closed)})");
        v.ThrowIfAny();
        return new SupportTicketInput(
            ticket.TicketId, ticket.AccountId, SignalMapping.ToDomain(ticket.Severity), ticket.Subject,
            openedAt!.Value, closedAt);
    }

    public static TouchpointInput Read(RecordTouchpointRequest request, DateTime now)
    {
        var v = new Violations();
        var touchpoint = request.Touchpoint;
        if (touchpoint is null)
        {
            v.Add("touchpoint", "is required").ThrowIfAny();
        }
        v.Identifier("touchpoint.touchpoint_id", touchpoint!.TouchpointId)
            .Identifier("touchpoint.account_id", touchpoint.AccountId)
            .Text("touchpoint.csm", touchpoint.Csm, Limits.TouchpointCsm, required: true)
            .Text("touchpoint.note", touchpoint.Note, Limits.TouchpointNote, multiline: true);
        if (ProtoConvert.IsDefined(v, "touchpoint.kind", touchpoint.Kind)
            && touchpoint.Kind == V1.TouchpointKind.Unspecified)
            v.Add(
                "touchpoint.kind",
                "is required: TOUCHPOINT_KIND_CALL, TOUCHPOINT_KIND_EMAIL, TOUCHPOINT_KIND_MEETING or " +
                "TOUCHPOINT_KIND_QBR");
        var occurredAt = ReadInstant(v, "touchpoint.occur_time", touchpoint.OccurTime, now, required: true);
        v.ThrowIfAny();
        return new TouchpointInput(
            touchpoint.TouchpointId, touchpoint.AccountId, SignalMapping.ToDomain(touchpoint.Kind), occurredAt!.Value,
            touchpoint.Csm, touchpoint.Note);
    }

    public static (string AccountId, int PageSize, SignalCursor? After, string Fingerprint) Read(
        ListNpsResponsesRequest request)
    {
        var fingerprint = $"nps|{request.AccountId}";
        var (pageSize, after) = ReadListing(request.AccountId, request.PageSize, request.PageToken, fingerprint);
        return (request.AccountId, pageSize, after, fingerprint);
    }

    public static (string AccountId, bool OpenOnly, int PageSize, SignalCursor? After, string Fingerprint) Read(
        ListSupportTicketsRequest request)
    {
        var fingerprint = $"tickets|{request.AccountId}|{(request.OpenOnly ? "open" : "all")}";
        var (pageSize, after) = ReadListing(request.AccountId, request.PageSize, request.PageToken, fingerprint);
        return (request.AccountId, request.OpenOnly, pageSize, after, fingerprint);
    }

    public static (string AccountId, int PageSize, SignalCursor? After, string Fingerprint) Read(
        ListTouchpointsRequest request)
    {
        var fingerprint = $"touchpoints|{request.AccountId}";
        var (pageSize, after) = ReadListing(request.AccountId, request.PageSize, request.PageToken, fingerprint);
        return (request.AccountId, pageSize, after, fingerprint);
    }

    /// <summary>The token of the page after the one that ended with <paramref name="last"/>.</summary>
    public static string NextToken(string fingerprint, SignalCursor last) =>
        PageToken.Encode(fingerprint, last.At.Ticks.ToString(CultureInfo.InvariantCulture), last.Id);

    private static (int PageSize, SignalCursor? After) ReadListing(
        string accountId, int pageSize, string pageToken, string fingerprint)
    {
        var v = new Violations();
        v.Identifier("account_id", accountId);
        var size = PageToken.ReadPageSize(v, pageSize);
        var after = ReadCursor(v, pageToken, fingerprint);
        v.ThrowIfAny();
        return (size, after);
    }

    private static SignalCursor? ReadCursor(Violations v, string pageToken, string fingerprint)
    {
        var key = PageToken.Decode(v, pageToken, fingerprint, keyParts: 2);
        if (key is null) return null;
        if (long.TryParse(key[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTime.MaxValue.Ticks && Identifiers.IsValid(key[1]))
            return new SignalCursor(new DateTime(ticks, DateTimeKind.Utc), key[1]);
        v.Add("page_token", PageToken.NotIssuedHere);
        return null;
    }

    /// <summary>
    /// Reads an instant: within <see cref="DateWindow"/> (so converting it cannot throw), at most
    /// <see cref="Model.EventRules.MaxClockSkew"/> ahead of <paramref name="now"/>, truncated to the microsecond.
    /// </summary>
    private static DateTime? ReadInstant(Violations v, string field, Timestamp? timestamp, DateTime now, bool required)
    {
        if (timestamp is null)
        {
            if (required) v.Add(field, "is required");
            return null;
        }
        if (!ProtoConvert.InWindow(timestamp))
        {
            v.Add(field, $"must be a valid timestamp {DateWindow.Description} (nanos 0 to 999,999,999)");
            return null;
        }
        var instant = TruncateToMicroseconds(timestamp.ToDateTime());
        if (instant > now + Model.EventRules.MaxClockSkew)
        {
            v.Add(
                field,
                $"must not be in the future: {Format(instant)} is more than " +
                $"{Model.EventRules.MaxClockSkew.TotalMinutes:0} minutes ahead of the server's clock ({Format(now)})");
            return null;
        }
        return instant;
    }

    private static DateTime TruncateToMicroseconds(DateTime instant) =>
        new(instant.Ticks - instant.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);

    private static string Format(DateTime instant) =>
        instant.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);
}
