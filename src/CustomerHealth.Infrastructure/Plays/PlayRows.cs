using CustomerHealth.Domain.Plays;

namespace CustomerHealth.Infrastructure.Plays;

/// <summary>
/// One version of the play rule set (table <c>play_rule_sets</c>): the rules, cadences and cooldown as one JSON
/// document (<see cref="PlayRulesJson"/>), read and written whole, with who stored it. Versions only grow; the newest
/// is in force, and none stored means the built-in defaults (version 0).
/// </summary>
public sealed class PlayRuleSetRow
{
    public int Version { get; init; }
    public required string RulesJson { get; init; }
    public required string SetBy { get; init; }
    public DateTime SetAt { get; init; }
}

/// <summary>
/// One entry of the play change feed (table <c>play_changes</c>, append-only): which play, what happened, when. The
/// sequence orders the feed; writers take the feed lock, as the health change feed's do.
/// </summary>
public sealed class PlayChangeRow
{
    public long Sequence { get; init; }
    public long PlayId { get; init; }
    public required string AccountId { get; init; }
    public PlayChangeKind Kind { get; init; }
    public DateTime At { get; init; }

    public static PlayChangeRow Of(Play play, PlayChangeKind kind, DateTime at) =>
        new() { PlayId = play.Id, AccountId = play.AccountId, Kind = kind, At = at };
}
