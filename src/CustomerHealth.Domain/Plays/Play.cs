using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Plays;

/// <summary>
/// A call to action for an account's owner: what fired, why (the drivers), how urgent, when it is due, and what became
/// of it. Plays are kept with their outcomes (only the account's deletion removes them). At most one play per account
/// and rule is active (open, acknowledged or snoozed) at a time.
/// </summary>
public sealed class Play
{
    public const int MaxNoteLength = 2000;

    private Play(string accountId, PlayRuleKind kind, IReadOnlyList<PlayDriver> drivers)
    {
        AccountId = accountId;
        Kind = kind;
        Drivers = drivers;
    }

    public long Id { get; private set; }
    public string AccountId { get; private set; }

    /// <summary>The account's owner (kept current while the play is active); null when the account has none.</summary>
    public string? Owner { get; private set; }
    public CsTier Tier { get; private set; }
    public PlayRuleKind Kind { get; private set; }
    public int RuleSetVersion { get; private set; }
    public PlayPriority Priority { get; private set; }
    public PlayChannel Channel { get; private set; }
    public PlayStatus Status { get; private set; }
    public IReadOnlyList<PlayDriver> Drivers { get; private set; }
    public DateTime OpenedAt { get; private set; }
    public DateOnly DueDate { get; private set; }
    public DateTime? AcknowledgedAt { get; private set; }
    public string? AcknowledgedBy { get; private set; }
    public DateOnly? SnoozedUntil { get; private set; }

    /// <summary>When a person completed it or the service found its condition cleared.</summary>
    public DateTime? ClosedAt { get; private set; }
    public string? CompletedBy { get; private set; }
    public PlayOutcome Outcome { get; private set; }
    public string? OutcomeNote { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>A new open play for a finding, due after the tier's cadence.</summary>
    public static Play Open(string accountId, string? owner, CsTier tier, PlayFinding finding, PlayRuleSet rules,
        DateTime now)
    {
        var cadence = rules.CadenceFor(tier);
        return new Play(accountId, finding.Kind, finding.Drivers)
        {
            Owner = owner, Tier = tier, RuleSetVersion = rules.Version, Priority = finding.Priority,
            Channel = cadence.Channel, Status = PlayStatus.Open, OpenedAt = now, UpdatedAt = now,
            DueDate = DateOnly.FromDateTime(now).AddDays(cadence.DueDays),
        };
    }

    /// <summary>Keeps an active play with its account's current owner and tier; false when nothing changed.</summary>
    public bool Reassign(string? owner, CsTier tier, DateTime now)
    {
        if (!Status.IsActive() || (owner == Owner && tier == Tier)) return false;
        (Owner, Tier, UpdatedAt) = (owner, tier, now);
        return true;
    }

    /// <summary>Someone has taken it on; false when it already was (a retry). A snoozed play wakes.</summary>
    public bool Acknowledge(string by, DateTime now)
    {
        ThrowIfClosed();
        if (Status == PlayStatus.Acknowledged) return false;
        (Status, SnoozedUntil, UpdatedAt) = (PlayStatus.Acknowledged, null, now);
        (AcknowledgedAt, AcknowledgedBy) = (now, by);
        return true;
    }

    /// <summary>Put aside until a day; it comes back then if its condition still holds. False on a repeat.</summary>
    public bool Snooze(DateOnly until, DateTime now)
    {
        ThrowIfClosed();
        if (until <= DateOnly.FromDateTime(now))
            throw new ValidationException("until_date", $"must be after today {DateOnly.FromDateTime(now):yyyy-MM-dd}");
        if (Status == PlayStatus.Snoozed && SnoozedUntil == until) return false;
        (Status, SnoozedUntil, UpdatedAt) = (PlayStatus.Snoozed, until, now);
        return true;
    }

    /// <summary>Done, with how it ended; false when it was already completed the same way (a retry).</summary>
    public bool Complete(PlayOutcome outcome, string? note, string by, DateTime now)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (Status == PlayStatus.Completed && Outcome == outcome && OutcomeNote == note) return false;
        ThrowIfClosed();
        (Status, Outcome, OutcomeNote, CompletedBy, SnoozedUntil) = (PlayStatus.Completed, outcome, note, by, null);
        (ClosedAt, UpdatedAt) = (now, now);
        return true;
    }

    /// <summary>The condition cleared: the play closes by itself.</summary>
    public void AutoResolve(DateTime now)
    {
        if (!Status.IsActive()) return;
        (Status, SnoozedUntil, ClosedAt, UpdatedAt) = (PlayStatus.AutoResolved, null, now, now);
    }

    /// <summary>The snooze ended and the condition still holds: open again.</summary>
    public void Reopen(DateTime now)
    {
        if (Status != PlayStatus.Snoozed) return;
        (Status, SnoozedUntil, UpdatedAt) = (PlayStatus.Open, null, now);
    }

    private void ThrowIfClosed()
    {
        if (Status.IsActive()) return;
        throw new RuleViolationException("PLAY_CLOSED",
            $"Play {Id} is {Status.ToString().ToLowerInvariant()}; a closed play does not change.",
            new Dictionary<string, string>
            {
                ["play_id"] = Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["status"] = Status.ToString()
            });
    }
}
