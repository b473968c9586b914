namespace CustomerHealth.Domain.Plays;

/// <summary>
/// One reason a play fired, as data: what was measured (<paramref name="Name"/>, such as <c>score_change_7d</c>), its
/// value, the rule's threshold it crossed, and a one-line explanation for people.
/// </summary>
public sealed record PlayDriver(string Name, double Value, double Threshold, string Explanation);

/// <summary>A rule that fired for an account: its kind, the priority the rule set gives it, and why.</summary>
public sealed record PlayFinding(PlayRuleKind Kind, PlayPriority Priority, IReadOnlyList<PlayDriver> Drivers);
