using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Expansion;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Plays;
using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Domain.Tests.Plays;

public sealed class PlayRuleTests
{
    private static readonly DateOnly Today = new(2026, 3, 15);

    /// <summary>A healthy high-touch customer of a year, touched last week: no rule fires.</summary>
    private static PlayFacts Calm() => new()
    {
        Today = Today, Tier = CsTier.HighTouch, Customer = true, CustomerDays = 365, Score = 82,
        Band = HealthBand.Healthy, Change7Days = -2, LastActiveDay = Today, SeatUtilisation = 0.8, Seats = 10,
        MonthlyActiveUsers = 8, LastTouchpoint = Today.AddDays(-7),
    };

    private static IReadOnlyList<PlayRuleKind> Fired(PlayFacts facts, PlayRuleSet? rules = null) =>
        PlayRules.Evaluate(rules ?? PlayRuleSet.Default, facts).Select(f => f.Kind).ToArray();

    [Fact]
    public void TheDefaultSetIsValidAndHoldsEveryKindAndTier()
    {
        Assert.False(PlayRuleSet.Default.Validate().Any);
        Assert.Equal((2, 14), (PlayRuleSet.Default.CadenceFor(CsTier.HighTouch).DueDays,
            PlayRuleSet.Default.CadenceFor(CsTier.HighTouch).TouchpointDays));
        Assert.Equal((5, 30), (PlayRuleSet.Default.CadenceFor(CsTier.LowTouch).DueDays,
            PlayRuleSet.Default.CadenceFor(CsTier.LowTouch).TouchpointDays));
        Assert.Equal(PlayChannel.Automated, PlayRuleSet.Default.CadenceFor(CsTier.Unspecified).Channel);
        Assert.Equal(90, PlayRuleSet.Default.CadenceFor(CsTier.TechTouch).TouchpointDays);
    }

    [Fact]
    public void ACalmAccountAndAProspectGetNoPlays()
    {
        Assert.Empty(Fired(Calm()));
        Assert.Empty(Fired(Calm() with { Customer = false, Band = HealthBand.Critical, Score = 10 }));
    }

    [Fact]
    public void EachRuleFiresOnItsOwnConditionWithItsDrivers()
    {
        Assert.Equal([PlayRuleKind.ScoreDrop], Fired(Calm() with { Change7Days = -15 }));
        Assert.Empty(Fired(Calm() with { Change7Days = -14.9 }));
        Assert.Equal([PlayRuleKind.BandCritical], Fired(Calm() with { Band = HealthBand.Critical, Score = 31 }));
        Assert.Equal([PlayRuleKind.LowSeatUtilisation], Fired(Calm() with { SeatUtilisation = 0.3 }));
        Assert.Empty(Fired(Calm() with { SeatUtilisation = 0.3, CustomerDays = 20, LastTouchpoint = Today }));
        Assert.Equal([PlayRuleKind.NoActivity], Fired(Calm() with { LastActiveDay = Today.AddDays(-14) }));
        Assert.Equal([PlayRuleKind.DetractorNps], Fired(Calm() with { LowestRecentNps = 6 }));
        Assert.Empty(Fired(Calm() with { LowestRecentNps = 7 }));
        Assert.Equal([PlayRuleKind.NoTouchpoint], Fired(Calm() with { LastTouchpoint = Today.AddDays(-14) }));
        Assert.Equal([PlayRuleKind.OnboardingOverdue],
            Fired(Calm() with { OverdueMilestones = [new("kickoff", Today.AddDays(-1))] }));

        var drop = PlayRules.Evaluate(PlayRuleSet.Default, Calm() with { Change7Days = -18.5 }).Single();
        var driver = Assert.Single(drop.Drivers);
        Assert.Equal(("score_change_7d", -18.5, -15.0), (driver.Name, driver.Value, driver.Threshold));
        Assert.Equal(PlayPriority.High, drop.Priority);
    }

    [Fact]
    public void ExpansionFiresOnTheAccountsOwnSignalsUnderTheGivenThresholdsAndNeverWhenCritical()
    {
        // 9 of 10 seats active, 8 users the month before: saturation 0.9, growth +12.5 %.
        var busy = Calm() with { MonthlyActiveUsers = 9, PreviousMonthlyActiveUsers = 8, EventsLast30Days = 900 };
        var found = PlayRules.Evaluate(PlayRuleSet.Default, busy.WithExpansion(ExpansionThresholds.Default))
            .Single(f => f.Kind == PlayRuleKind.ExpansionSignal);
        var driver = Assert.Single(found.Drivers);
        Assert.Equal(("seat_saturation", 0.9, 0.9), (driver.Name, driver.Value, driver.Threshold));
        Assert.Contains("9 active users on 10 seats", driver.Explanation, StringComparison.Ordinal);
        Assert.Equal(PlayPriority.Medium, found.Priority);

        var lenient = ExpansionThresholds.Default with { SeatSaturation = 0.95, ActiveUserGrowth = 0.1 };
        var growth = PlayRules.Evaluate(PlayRuleSet.Default, busy.WithExpansion(lenient))
            .Single(f => f.Kind == PlayRuleKind.ExpansionSignal).Drivers;
        Assert.Equal(["active_user_growth"], growth.Select(d => d.Name));
        Assert.Equal(0.13, growth[0].Value); // rounded to 2 places

        Assert.DoesNotContain(PlayRuleKind.ExpansionSignal,
            Fired(busy.WithExpansion(ExpansionThresholds.Default with { SeatSaturation = 0.95 })));
        var critical = busy with { Band = HealthBand.Critical, Score = 20 };
        Assert.DoesNotContain(PlayRuleKind.ExpansionSignal, Fired(critical.WithExpansion(ExpansionThresholds.Default)));
        Assert.DoesNotContain(PlayRuleKind.ExpansionSignal,
            Fired(busy.WithExpansion(ExpansionThresholds.Default), PlayRuleSet.Default with
            {
                Rules = PlayRuleSet.Default.Rules
                    .Select(r => r.Kind == PlayRuleKind.ExpansionSignal ? r with { Enabled = false } : r).ToArray(),
            }));
        Assert.Empty(Fired(Calm().WithExpansion(ExpansionThresholds.Default)));
    }

    [Fact]
    public void RenewalRiskFiresForAHighRiskRenewalWithinTheWindowOnly()
    {
        UpcomingRenewal Renewal(int inDays, RenewalRisk risk) => new(Today.AddDays(inDays), risk, 0.45);

        Assert.Equal([PlayRuleKind.RenewalRisk], Fired(Calm() with { Renewals = [Renewal(60, RenewalRisk.High)] }));
        Assert.Equal([PlayRuleKind.RenewalRisk], Fired(Calm() with { Renewals = [Renewal(90, RenewalRisk.Critical)] }));
        Assert.Empty(Fired(Calm() with { Renewals = [Renewal(91, RenewalRisk.Critical)] }));
        Assert.Empty(Fired(Calm() with { Renewals = [Renewal(30, RenewalRisk.Medium)] }));
        var soon = Calm() with { Renewals = [Renewal(30, RenewalRisk.High)] };
        var finding = PlayRules.Evaluate(PlayRuleSet.Default, soon);
        Assert.Equal(PlayPriority.Urgent, finding.Single().Priority);
        Assert.Equal(["days_to_renewal", "renewal_probability"], finding.Single().Drivers.Select(d => d.Name));
    }

    [Fact]
    public void TheTouchpointCadenceFollowsTheTierAndTechTouchIsAutomated()
    {
        var quiet = Calm() with { LastTouchpoint = Today.AddDays(-20) };
        Assert.Contains(PlayRuleKind.NoTouchpoint, Fired(quiet));
        Assert.DoesNotContain(PlayRuleKind.NoTouchpoint, Fired(quiet with { Tier = CsTier.LowTouch }));
        Assert.DoesNotContain(PlayRuleKind.NoTouchpoint, Fired(quiet with { Tier = CsTier.TechTouch }));
        Assert.Contains(PlayRuleKind.NoTouchpoint,
            Fired(quiet with { Tier = CsTier.TechTouch, LastTouchpoint = Today.AddDays(-90) }));
    }

    [Fact]
    public void DisabledRulesAndTheDeclaredOnlyKindsNeverFire()
    {
        var rules = PlayRuleSet.Default with
        {
            Rules =
            [
                .. PlayRuleSet.Default.Rules.Select(r =>
                    r.Kind == PlayRuleKind.ScoreDrop ? r with { Enabled = false } : r),
            ],
        };
        Assert.Empty(Fired(Calm() with { Change7Days = -40 }, rules));
        var all = PlayRules.Evaluate(PlayRuleSet.Default, Calm() with
        {
            Band = HealthBand.Critical,
            Score = 5,
            Change7Days = -50,
            LastActiveDay = null,
            LowestRecentNps = 0,
        });
        Assert.DoesNotContain(all, f => f.Kind is PlayRuleKind.ChampionLeft or PlayRuleKind.ExpansionSignal);
    }

    [Fact]
    public void AnInvalidSetListsEveryBrokenRule()
    {
        var broken = PlayRuleSet.Default with
        {
            Rules = [.. PlayRuleSet.Default.Rules.Where(r => r.Kind != PlayRuleKind.NoActivity)
                .Select(r => r.Kind == PlayRuleKind.ScoreDrop ? r with { Threshold = 0 } : r)],
            Cadences = [.. PlayRuleSet.Default.Cadences.Take(2)],
            CooldownDays = -1,
        };
        var fields = broken.Validate().Items.Select(v => v.Field).ToArray();
        Assert.Contains("rules[0].threshold", fields);
        Assert.Contains("rules", fields);
        Assert.Contains("cadences", fields);
        Assert.Contains("cooldown_days", fields);
    }

    [Fact]
    public void FactsComeFromTheSignals()
    {
        var asOf = new DateTimeOffset(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);
        var signals = new AccountSignals
        {
            AsOf = asOf, Tier = CsTier.LowTouch, AccountCreatedOn = new(2025, 1, 1),
            Contracts = new ContractSignals(new(2026, 2, 1), new(2026, 2, 1), new(2027, 2, 1), 20, true, 0, 0),
            Usage = new UsageSignals([new(new(2026, 3, 10), 4, 40), new(new(2026, 3, 12), 0, 0)], 5, 0, 1, 3),
            Onboarding = new OnboardingSummary(
                new(2026, 2, 1), [new("kickoff", 7, null), new("first_value", 60, null)]),
            NpsAnswers = [new(9, asOf.AddDays(-100)), new(4, asOf.AddDays(-10))],
            LastTouchpointAt = asOf.AddDays(-3),
        };

        var facts = PlayFacts.Of(signals);

        Assert.Equal((true, 42, 0.25), (facts.Customer, facts.CustomerDays, facts.SeatUtilisation));
        Assert.Equal(new DateOnly(2026, 3, 10), facts.LastActiveDay);
        Assert.Equal(["kickoff"], facts.OverdueMilestones.Select(m => m.Key));
        Assert.Equal(4, facts.LowestRecentNps);
        Assert.Equal(new DateOnly(2026, 3, 12), facts.LastTouchpoint);
    }
}
