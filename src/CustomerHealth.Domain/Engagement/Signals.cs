namespace CustomerHealth.Domain.Engagement;

/// <summary>An answer to the NPS question. 9–10 promoter, 7–8 passive, 0–6 detractor.</summary>
public sealed class NpsResponse
{
    public const int MaxCommentLength = 2000;

    private NpsResponse(
        string id, string accountId, string respondentId, int score, string? comment, DateTime answeredAt,
        DateTime createdAt)
    {
        Id = id;
        AccountId = accountId;
        RespondentId = respondentId;
        Score = score;
        Comment = comment;
        AnsweredAt = answeredAt;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public string Id { get; private set; }
    public string AccountId { get; private set; }
    public string RespondentId { get; private set; }
    public int Score { get; private set; }
    public string? Comment { get; private set; }
    public DateTime AnsweredAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public NpsCategory Category => Categorize(Score);

    public static NpsCategory Categorize(int score) =>
        score >= 9 ? NpsCategory.Promoter : score >= 7 ? NpsCategory.Passive : NpsCategory.Detractor;

    public static NpsResponse Create(
        string id, string accountId, string respondentId, int score, string? comment, DateTime answeredAt,
        DateTime now) =>
        new(id, accountId, respondentId, score, Normalize(comment), answeredAt, now);

    /// <summary>Corrects the answer; false when nothing changed. An answer cannot move to another account.</summary>
    public bool Update(
        string accountId, string respondentId, int score, string? comment, DateTime answeredAt, DateTime now)
    {
        if (accountId != AccountId) throw MovedAcross("NPS response", Id, AccountId, accountId);
        comment = Normalize(comment);
        if (respondentId == RespondentId && score == Score && comment == Comment
            && answeredAt == AnsweredAt) return false;
        (RespondentId, Score, Comment, AnsweredAt, UpdatedAt) = (respondentId, score, comment, answeredAt, now);
        return true;
    }

    internal static Common.RuleViolationException MovedAcross(string what, string id, string from, string to) =>
        new("ACCOUNT_IMMUTABLE", $"{what} '{id}' belongs to account '{from}'; it cannot move to '{to}'.",
            new Dictionary<string, string> { ["id"] = id, ["account_id"] = from });

    internal static string? Normalize(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

public enum NpsCategory
{
    Detractor,
    Passive,
    Promoter,
}

public enum TicketSeverity
{
    Unspecified = 0,
    Low = 1,
    Normal = 2,
    High = 3,
    Urgent = 4,
}

/// <summary>A support ticket. Open while it has no close time.</summary>
public sealed class SupportTicket
{
    public const int MaxSubjectLength = 200;

    private SupportTicket(
        string id, string accountId, TicketSeverity severity, string? subject, DateTime openedAt, DateTime? closedAt,
        DateTime createdAt)
    {
        Id = id;
        AccountId = accountId;
        Severity = severity;
        Subject = subject;
        OpenedAt = openedAt;
        ClosedAt = closedAt;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public string Id { get; private set; }
    public string AccountId { get; private set; }
    public TicketSeverity Severity { get; private set; }
    public string? Subject { get; private set; }
    public DateTime OpenedAt { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public bool IsOpenAt(DateTime instant) => OpenedAt <= instant && (ClosedAt is null || ClosedAt > instant);

    public static SupportTicket Create(
        string id, string accountId, TicketSeverity severity, string? subject, DateTime openedAt, DateTime? closedAt,
        DateTime now)
    {
        EnsureOrdered(openedAt, closedAt);
        return new SupportTicket(id, accountId, severity, NpsResponse.Normalize(subject), openedAt, closedAt, now);
    }

    /// <summary>
    /// Updates or closes the ticket; false when nothing changed. A ticket cannot move to another account.
    /// </summary>
    public bool Update(
        string accountId, TicketSeverity severity, string? subject, DateTime openedAt, DateTime? closedAt, DateTime now)
    {
        if (accountId != AccountId) throw NpsResponse.MovedAcross("Support ticket", Id, AccountId, accountId);
        EnsureOrdered(openedAt, closedAt);
        subject = NpsResponse.Normalize(subject);
        if (severity == Severity && subject == Subject && openedAt == OpenedAt && closedAt == ClosedAt) return false;
        (Severity, Subject, OpenedAt, ClosedAt, UpdatedAt) = (severity, subject, openedAt, closedAt, now);
        return true;
    }

    private static void EnsureOrdered(DateTime openedAt, DateTime? closedAt)
    {
        if (closedAt < openedAt) throw new Common.ValidationException(
            "ticket.close_time", "must not be before open_time");
    }
}

public enum TouchpointKind
{
    Unspecified = 0,
    Call = 1,
    Email = 2,
    Meeting = 3,
    Qbr = 4,
}

/// <summary>A contact between the CS team and an account.</summary>
public sealed class Touchpoint
{
    public const int MaxCsmLength = Common.PersonNames.MaxLength;
    public const int MaxNoteLength = 2000;

    private Touchpoint(
        string id, string accountId, TouchpointKind kind, DateTime occurredAt, string csm, string? note,
        DateTime createdAt)
    {
        Id = id;
        AccountId = accountId;
        Kind = kind;
        OccurredAt = occurredAt;
        Csm = csm;
        Note = note;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public string Id { get; private set; }
    public string AccountId { get; private set; }
    public TouchpointKind Kind { get; private set; }
    public DateTime OccurredAt { get; private set; }
    public string Csm { get; private set; }
    public string? Note { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public static Touchpoint Create(
        string id, string accountId, TouchpointKind kind, DateTime occurredAt, string csm, string? note,
        DateTime now) =>
        new(id, accountId, kind, occurredAt, csm.Trim(), NpsResponse.Normalize(note), now);

    /// <summary>Corrects the touchpoint; false when nothing changed. It cannot move to another account.</summary>
    public bool Update(
        string accountId, TouchpointKind kind, DateTime occurredAt, string csm, string? note, DateTime now)
    {
        if (accountId != AccountId) throw NpsResponse.MovedAcross("Touchpoint", Id, AccountId, accountId);
        csm = csm.Trim();
        note = NpsResponse.Normalize(note);
        if (kind == Kind && occurredAt == OccurredAt && csm == Csm && note == Note) return false;
        (Kind, OccurredAt, Csm, Note, UpdatedAt) = (kind, occurredAt, csm, note, now);
        return true;
    }
}
