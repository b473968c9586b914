using System.Globalization;
using CustomerHealth.V1;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace CustomerHealth.Server.Tests.Engagement;

/// <summary>
/// Valid NPS answers, support tickets and touchpoints with sensible defaults (all before the tests' start time); each
/// test changes only what it is about. Instants are ISO 8601 strings in UTC; null leaves the timestamp unset.
/// </summary>
public static class BuildSignal
{
    public static NpsResponse Nps(
        string id = "nps-1", string accountId = "acme", int score = 9, string respondent = "jane@example.com",
        string comment = "Love the dashboards", string? at = "2026-03-14T09:00:00Z") =>
        new()
        {
            ResponseId = id,
            AccountId = accountId,
            RespondentId = respondent,
            Score = score,
            Comment = comment,
            AnswerTime = Time(at),
        };

    public static SupportTicket Ticket(
        string id = "ticket-1", string accountId = "acme", TicketSeverity severity = TicketSeverity.Normal,
        string subject = "Export is slow", string? opened = "2026-03-10T08:00:00Z", string? closed = null) =>
        new()
        {
            TicketId = id,
            AccountId = accountId,
            Severity = severity,
            Subject = subject,
            OpenTime = Time(opened),
            CloseTime = Time(closed),
        };

    public static Touchpoint Touchpoint(
        string id = "touch-1", string accountId = "acme", TouchpointKind kind = TouchpointKind.Call,
        string? at = "2026-03-12T15:00:00Z", string csm = "csm.alice@example.com",
            string note = "Quarterly check-in") =>
        new()
        {
            TouchpointId = id,
            AccountId = accountId,
            Kind = kind,
            OccurTime = Time(at),
            Csm = csm,
            Note = note,
        };

    /// <summary>
    /// An instant from an ISO 8601 string such as <c>2026-03-14T09:00:00Z</c>; null gives no timestamp.
    /// </summary>
    public static Timestamp? Time(string? iso) =>
        iso is null ? null
            : Timestamp.FromDateTimeOffset(
                DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));

    /// <summary>A raw timestamp, possibly outside the range protobuf allows.</summary>
    public static Timestamp RawTime(long seconds, int nanos = 0) => new() { Seconds = seconds, Nanos = nanos };

    /// <summary>
    /// The message after <paramref name="change"/>, for changes the builders' parameters do not offer.
    /// </summary>
    public static T With<T>(T message, Action<T> change)
    {
        change(message);
        return message;
    }
}
