using System.Globalization;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Domain.Plays;

/// <summary>
/// Which rules of a set fire for an account's facts, each with the drivers that made it fire. Pure: no clock, no
/// database. Only customers (a contract covers today) get plays.
/// </summary>
public static class PlayRules
{
    public static IReadOnlyList<PlayFinding> Evaluate(PlayRuleSet rules, PlayFacts facts)
    {
        if (!facts.Customer) return [];
        var cadence = rules.CadenceFor(facts.Tier);
        var found = new List<PlayFinding>();
        foreach (var rule in rules.Rules.Where(r => r.Enabled).OrderBy(r => r.Kind))
        {
            var drivers = Drivers(rule, facts, cadence);
            if (drivers.Count > 0) found.Add(new PlayFinding(rule.Kind, rule.Priority, drivers));
        }
        return found;
    }

    private static IReadOnlyList<PlayDriver> Drivers(PlayRule rule, PlayFacts facts, TierCadence cadence) =>
        rule.Kind switch
        {
            PlayRuleKind.ScoreDrop => ScoreDrop(rule.Threshold, facts),
            PlayRuleKind.BandCritical => BandCritical(facts),
            PlayRuleKind.RenewalRisk => RenewalRisk(rule.Threshold, facts),
            PlayRuleKind.OnboardingOverdue => OnboardingOverdue(rule.Threshold, facts),
            PlayRuleKind.LowSeatUtilisation => LowSeatUtilisation(rule.Threshold, facts),
            PlayRuleKind.NoActivity => NoActivity(rule.Threshold, facts),
            PlayRuleKind.DetractorNps => DetractorNps(rule.Threshold, facts),
            PlayRuleKind.NoTouchpoint => NoTouchpoint(cadence.TouchpointDays, facts),
            PlayRuleKind.ChampionLeft => ChampionLeft(facts),
            PlayRuleKind.ExpansionSignal => ExpansionSignal(facts),
            _ => [],
        };

    private static PlayDriver[] ScoreDrop(int points, PlayFacts facts) =>
        facts.Change7Days is { } change && change <= -points
            ? [new("score_change_7d", Round(change), -points, $"score fell {Text(-change)} points in 7 days")]
            : [];

    private static PlayDriver[] BandCritical(PlayFacts facts) =>
        facts.Band == HealthBand.Critical && facts.Score is { } score
            ? [new("score", Round(score), 0, $"band is critical (score {Text(score)})")]
            : [];

    private static PlayDriver[] RenewalRisk(int days, PlayFacts facts)
    {
        var due = facts.Renewals
            .Where(r => r.Risk >= Renewals.RenewalRisk.High && r.RenewalDate >= facts.Today)
            .Where(r => r.RenewalDate.DayNumber - facts.Today.DayNumber <= days)
            .OrderBy(r => r.RenewalDate).FirstOrDefault();
        if (due is null) return [];
        var left = due.RenewalDate.DayNumber - facts.Today.DayNumber;
        return
        [
            new("days_to_renewal", left, days, $"renews in {left} days ({due.RenewalDate:yyyy-MM-dd})"),
            new("renewal_probability", Round(due.Probability), RenewalRisks.MediumFrom,
                $"{due.Risk.ToString().ToLowerInvariant()} risk: renewal probability {Text(due.Probability * 100)} %"),
        ];
    }

    private static PlayDriver[] OnboardingOverdue(int graceDays, PlayFacts facts) =>
        facts.OverdueMilestones
            .Where(m => facts.Today.DayNumber - m.DueDate.DayNumber > graceDays)
            .Select(m => new PlayDriver("milestone_days_overdue:" + m.Key, facts.Today.DayNumber - m.DueDate.DayNumber,
                graceDays, $"milestone {m.Key} was due {m.DueDate:yyyy-MM-dd}"))
            .ToArray();

    /// <summary>Fires once the account has been a customer for 30 days: a new one is still rolling out.</summary>
    private static PlayDriver[] LowSeatUtilisation(int percent, PlayFacts facts) =>
        facts.SeatUtilisation is { } used && used * 100 < percent && facts.CustomerDays >= 30
            ? [new("seat_utilisation_percent", Round(used * 100), percent,
                $"{facts.MonthlyActiveUsers} of {facts.Seats} seats active in 30 days")]
            : [];

    /// <summary>Days since the last active day, or since the account became a customer when it never was.</summary>
    private static PlayDriver[] NoActivity(int days, PlayFacts facts)
    {
        var silent = facts.LastActiveDay is { } last
            ? facts.Today.DayNumber - last.DayNumber
            : Math.Min(facts.CustomerDays, PlayRuleBounds.UsageHistoryDays);
        if (silent < days) return [];
        var since = facts.LastActiveDay is { } l ? $"since {l:yyyy-MM-dd}" : "since it became a customer";
        return [new("days_without_activity", silent, days, $"no active user for {silent} days ({since})")];
    }

    private static PlayDriver[] DetractorNps(int maxScore, PlayFacts facts) =>
        facts.LowestRecentNps is { } nps && nps <= maxScore
            ? [new("lowest_nps_90d", nps, maxScore, $"an NPS answer of {nps} in {PlayFacts.NpsWindowDays} days")]
            : [];

    /// <summary>Days since the last touchpoint, or since the account became a customer when there was none.</summary>
    private static PlayDriver[] NoTouchpoint(int cadenceDays, PlayFacts facts)
    {
        if (cadenceDays == 0) return [];
        var quiet = facts.LastTouchpoint is { } last ? facts.Today.DayNumber - last.DayNumber : facts.CustomerDays;
        return quiet < cadenceDays
            ? []
            : [new("days_since_touchpoint", quiet, cadenceDays, $"no touchpoint for {quiet} days")];
    }

    /// <summary>One driver per champion alert, named by the contact's id (a play keeps no person's name).</summary>
    private static PlayDriver[] ChampionLeft(PlayFacts facts) =>
        facts.ChampionAlerts.Select(a => a.Kind == ChampionAlertKind.Left
                ? new PlayDriver("champion_left:" + a.ContactId,
                    a.LeftOn is { } on ? Math.Max(0, facts.Today.DayNumber - on.DayNumber) : 0, 0,
                    a.LeftOn is { } day ? $"champion {a.ContactId} left on {day:yyyy-MM-dd}"
                        : $"champion {a.ContactId} left")
                : new PlayDriver("champion_quiet_days:" + a.ContactId, a.QuietDays, a.QuietDays,
                    $"champion {a.ContactId} not active for {a.QuietDays} days while others were"))
            .ToArray();

    /// <summary>
    /// The account's own expansion signals (<see cref="PlayFacts.ExpansionReasons"/>), unless it is critical: a save
    /// comes before an upsell.
    /// </summary>
    private static PlayDriver[] ExpansionSignal(PlayFacts facts) =>
        facts.Band == HealthBand.Critical || facts.Seats == 0
            ? []
            : facts.ExpansionReasons
                .Select(r => new PlayDriver(DriverName(r.Kind), Round(r.Value), r.Threshold, r.Explanation))
                .ToArray();

    private static string DriverName(Expansion.ExpansionSignalKind kind) => kind switch
    {
        Expansion.ExpansionSignalKind.SeatSaturation => "seat_saturation",
        Expansion.ExpansionSignalKind.ActiveUserGrowth => "active_user_growth",
        Expansion.ExpansionSignalKind.KeyFeatureGrowth => "key_feature_growth",
        _ => "heavy_for_its_plan",
    };

    private static double Round(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static string Text(double value) => Round(value).ToString("0.##", CultureInfo.InvariantCulture);
}
