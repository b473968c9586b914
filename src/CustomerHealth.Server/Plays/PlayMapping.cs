using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Plays;
using CustomerHealth.Infrastructure.Plays;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Plays;

/// <summary>Plays, rule sets and feed entries to and from their v1 messages.</summary>
public static class PlayMapping
{
    public static V1.Play ToProto(this Play play)
    {
        var message = new V1.Play
        {
            PlayId = play.Id, AccountId = play.AccountId, Owner = play.Owner ?? "", CsTier = (V1.CsTier)play.Tier,
            RuleKind = (V1.PlayRuleKind)play.Kind, RuleSetVersion = play.RuleSetVersion,
            Priority = (V1.PlayPriority)play.Priority, Channel = (V1.PlayChannel)play.Channel,
            Status = (V1.PlayStatus)play.Status, OpenTime = ProtoConvert.ToTimestamp(play.OpenedAt),
            DueDate = ProtoConvert.ToDate(play.DueDate), AcknowledgedBy = play.AcknowledgedBy ?? "",
            CompletedBy = play.CompletedBy ?? "", Outcome = (V1.PlayOutcome)play.Outcome,
            OutcomeNote = play.OutcomeNote ?? "", UpdateTime = ProtoConvert.ToTimestamp(play.UpdatedAt),
        };
        message.Drivers.AddRange(play.Drivers.Select(d => new V1.PlayDriver
        {
            Name = d.Name, Value = d.Value, Threshold = d.Threshold, Explanation = d.Explanation,
        }));
        if (play.AcknowledgedAt is { } acknowledged) message.AcknowledgeTime = ProtoConvert.ToTimestamp(acknowledged);
        if (play.SnoozedUntil is { } until) message.SnoozedUntil = ProtoConvert.ToDate(until);
        if (play.ClosedAt is { } closed) message.CloseTime = ProtoConvert.ToTimestamp(closed);
        return message;
    }

    public static V1.PlayChange ToProto(this PlayChangeEntry entry) => new()
    {
        Sequence = entry.Change.Sequence, Kind = (V1.PlayChangeKind)entry.Change.Kind,
        Time = ProtoConvert.ToTimestamp(entry.Change.At), Play = entry.Play.ToProto(),
    };

    public static V1.PlayRuleSet ToProto(this StoredPlayRules stored)
    {
        var rules = stored.Rules;
        var message = new V1.PlayRuleSet
        {
            Version = rules.Version, CooldownDays = rules.CooldownDays, SetBy = stored.SetBy ?? "",
        };
        if (stored.SetAt is { } at) message.SetTime = ProtoConvert.ToTimestamp(at);
        message.Rules.AddRange(rules.Rules.OrderBy(r => r.Kind).Select(r => new V1.PlayRule
        {
            Kind = (V1.PlayRuleKind)r.Kind, Enabled = r.Enabled, Threshold = r.Threshold,
            Priority = (V1.PlayPriority)r.Priority,
        }));
        message.Cadences.AddRange(rules.Cadences.OrderBy(c => c.Tier).Select(c => new V1.PlayCadence
        {
            CsTier = (V1.CsTier)c.Tier, DueDays = c.DueDays, TouchpointDays = c.TouchpointDays,
            Channel = (V1.PlayChannel)c.Channel,
        }));
        return message;
    }

    /// <summary>The set a request gives (its version, author and time are not read); the domain validates it.</summary>
    public static PlayRuleSet ToDomain(V1.PlayRuleSet set) => new(
        0,
        [.. set.Rules.Select(r => new PlayRule(
            (PlayRuleKind)r.Kind, r.Enabled, r.Threshold, (PlayPriority)r.Priority))],
        [.. set.Cadences.Select(c => new TierCadence(
            (CsTier)c.CsTier, c.DueDays, c.TouchpointDays, (PlayChannel)c.Channel))],
        set.CooldownDays);
}
