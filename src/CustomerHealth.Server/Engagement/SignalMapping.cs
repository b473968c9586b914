using CustomerHealth.Server.Grpc;
using Model = CustomerHealth.Domain.Engagement;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Engagement;

/// <summary>
/// Domain NPS answers, support tickets and touchpoints to their v1 messages, and the v1 enums to the domain's.
/// </summary>
public static class SignalMapping
{
    public static V1.NpsResponse ToProto(this Model.NpsResponse response) => new()
    {
        ResponseId = response.Id,
        AccountId = response.AccountId,
        RespondentId = response.RespondentId,
        Score = response.Score,
        Comment = response.Comment ?? "",
        AnswerTime = ProtoConvert.ToTimestamp(response.AnsweredAt),
    };

    public static V1.SupportTicket ToProto(this Model.SupportTicket ticket) => new()
    {
        TicketId = ticket.Id,
        AccountId = ticket.AccountId,
        Severity = ToProto(ticket.Severity),
        Subject = ticket.Subject ?? "",
        OpenTime = ProtoConvert.ToTimestamp(ticket.OpenedAt),
        CloseTime = ticket.ClosedAt is { } closedAt ? ProtoConvert.ToTimestamp(closedAt) : null,
        UpdateTime = ProtoConvert.ToTimestamp(ticket.UpdatedAt),
    };

    public static V1.Touchpoint ToProto(this Model.Touchpoint touchpoint) => new()
    {
        TouchpointId = touchpoint.Id,
        AccountId = touchpoint.AccountId,
        Kind = ToProto(touchpoint.Kind),
        OccurTime = ProtoConvert.ToTimestamp(touchpoint.OccurredAt),
        Csm = touchpoint.Csm,
        Note = touchpoint.Note ?? "",
    };

    public static V1.TicketSeverity ToProto(Model.TicketSeverity severity) => severity switch
    {
        Model.TicketSeverity.Low => V1.TicketSeverity.Low,
        Model.TicketSeverity.Normal => V1.TicketSeverity.Normal,
        Model.TicketSeverity.High => V1.TicketSeverity.High,
        Model.TicketSeverity.Urgent => V1.TicketSeverity.Urgent,
        _ => V1.TicketSeverity.Unspecified,
    };

    public static Model.TicketSeverity ToDomain(V1.TicketSeverity severity) => severity switch
    {
        V1.TicketSeverity.Low => Model.TicketSeverity.Low,
        V1.TicketSeverity.Normal => Model.TicketSeverity.Normal,
        V1.TicketSeverity.High => Model.TicketSeverity.High,
        V1.TicketSeverity.Urgent => Model.TicketSeverity.Urgent,
        _ => Model.TicketSeverity.Unspecified,
    };

    public static V1.TouchpointKind ToProto(Model.TouchpointKind kind) => kind switch
    {
        Model.TouchpointKind.Call => V1.TouchpointKind.Call,
        Model.TouchpointKind.Email => V1.TouchpointKind.Email,
        Model.TouchpointKind.Meeting => V1.TouchpointKind.Meeting,
        Model.TouchpointKind.Qbr => V1.TouchpointKind.Qbr,
        _ => V1.TouchpointKind.Unspecified,
    };

    public static Model.TouchpointKind ToDomain(V1.TouchpointKind kind) => kind switch
    {
        V1.TouchpointKind.Call => Model.TouchpointKind.Call,
        V1.TouchpointKind.Email => Model.TouchpointKind.Email,
        V1.TouchpointKind.Meeting => Model.TouchpointKind.Meeting,
        V1.TouchpointKind.Qbr => Model.TouchpointKind.Qbr,
        _ => Model.TouchpointKind.Unspecified,
    };
}
