using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Plays;

namespace CustomerHealth.Domain.Tests.Plays;

public sealed class ChampionPlayTests
{
    private static readonly DateOnly Today = new(2026, 3, 15);

    private static PlayFacts Calm(params ChampionAlert[] alerts) => new()
    {
        Today = Today, Tier = CsTier.HighTouch, Customer = true, CustomerDays = 365, Score = 82,
        Band = HealthBand.Healthy, Change7Days = 0, LastActiveDay = Today, SeatUtilisation = 0.8, Seats = 10,
        MonthlyActiveUsers = 8, LastTouchpoint = Today.AddDays(-7), ChampionAlerts = alerts,
    };

    [Fact]
    public void ChampionLeftFiresWithOneDriverPerAlertNamedByContactId()
    {
        var facts = Calm(
            new ChampionAlert("c-ann", ChampionAlertKind.Left, Today.AddDays(-3), 0),
            new ChampionAlert("c-bob", ChampionAlertKind.Quiet, null, 21));

        var finding = Assert.Single(PlayRules.Evaluate(PlayRuleSet.Default, facts));

        Assert.Equal((PlayRuleKind.ChampionLeft, PlayPriority.High), (finding.Kind, finding.Priority));
        Assert.Equal(
            [("champion_left:c-ann", 3.0, 0.0), ("champion_quiet_days:c-bob", 21.0, 21.0)],
            finding.Drivers.Select(d => (d.Name, d.Value, d.Threshold)));
        Assert.Equal("champion c-ann left on 2026-03-12", finding.Drivers[0].Explanation);
    }

    [Fact]
    public void ChampionLeftStaysSilentWithoutAlertsWhenDisabledOrForAProspect()
    {
        var alert = new ChampionAlert("c-ann", ChampionAlertKind.Left, null, 0);
        var off = PlayRuleSet.Default with
        {
            Rules = PlayRuleSet.Default.Rules
                .Select(r => r.Kind == PlayRuleKind.ChampionLeft ? r with { Enabled = false } : r).ToArray(),
        };

        Assert.Empty(PlayRules.Evaluate(PlayRuleSet.Default, Calm()));
        Assert.Empty(PlayRules.Evaluate(off, Calm(alert)));
        Assert.Empty(PlayRules.Evaluate(PlayRuleSet.Default, Calm(alert) with { Customer = false }));
    }
}
