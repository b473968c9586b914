using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Health;
using static CustomerHealth.Domain.Tests.Health.Signals;

namespace CustomerHealth.Domain.Tests.Health;

public sealed class HealthScorerTests
{
    /// <summary>
    /// Steady, but growing: every usage component is 100 (40 of 40 seats daily, users +33%, events +25%).
    /// </summary>
    private static AccountSignals Thriving() => Steady() with
    {
        Usage = new(
            [.. Days(0, 30, activeUsers: 40, events: 125), .. Days(30, 30, activeUsers: 30, events: 100)], 40, 30, 5,
            5),
    };

    [Fact]
    public void TheScoreIsTheWeightedMeanOfTheComponentsWithData()
    {
        var score = Score(Steady());

        // low-touch: engagement 100×25, adoption 75×25, momentum 60×15, support 100×10, relationship 100×5 over 80
        Assert.Equal(84.7, score.Score);
        Assert.Equal(HealthBand.Healthy, score.Band);
        Assert.Equal(1, score.Components.Sum(c => c.Weight), 9);
        Assert.Equal(25.0 / 80, score.Component(HealthComponentKind.Engagement)!.Weight, 9);
        Assert.Equal(
            [HealthComponentKind.Engagement, HealthComponentKind.Adoption, HealthComponentKind.Momentum,
                HealthComponentKind.Support, HealthComponentKind.Relationship],
            score.Components.Select(c => c.Kind));
    }

    [Fact]
    public void AComponentWithoutDataIsLeftOutAndTheOthersRenormalised()
    {
        var withoutAnswers = Score(Thriving());
        var withADetractor = Score(Thriving() with { NpsAnswers = [Answer(0)] });

        Assert.Equal(100, withoutAnswers.Score); // not 80 (as if sentiment were 0) nor lower
        Assert.Equal(0.8, withoutAnswers.Completeness.Share, 9);
        Assert.Equal(
            [HealthComponentKind.Onboarding, HealthComponentKind.Sentiment],
            withoutAnswers.Completeness.Missing.Select(m => m.Kind));
        Assert.Equal("no NPS answer in the last 180 days", withoutAnswers.Completeness.Missing[1].Reason);

        Assert.Equal(88.9, withADetractor.Score); // 80 × 100 + 10 × 0 over 90
        Assert.Equal(0.9, withADetractor.Completeness.Share, 9);
        Assert.Equal(10.0 / 90, withADetractor.Component(HealthComponentKind.Sentiment)!.Weight, 9);
    }

    [Fact]
    public void WithNoDataAtAllThereIsNoScore()
    {
        var score = Score(Lead());

        Assert.Null(score.Score);
        Assert.Equal(HealthBand.Unknown, score.Band);
        Assert.Empty(score.Components);
        Assert.Equal(0, score.Completeness.Share);
        Assert.Equal(7, score.Completeness.Missing.Count);
        Assert.Equal(LifecycleStage.Lead, score.Stage);
        Assert.False(score.EffectiveAccount);
    }

    [Fact]
    public void OnDayZeroANewAccountHasNoScoreYet()
    {
        var score = Score(
            NewCustomer(day: 0) with { Onboarding = Plan(0, ("kickoff", 7, null), ("first_value", 30, null)) });

        Assert.Null(score.Score);
        Assert.Equal(0, score.Completeness.Share);
        Assert.Equal("needs 60 days since the start to compare two 30-day windows; has 1",
            score.Completeness.Missing.Single(m => m.Kind == HealthComponentKind.Momentum).Reason);
        Assert.Equal(LifecycleStage.New, score.Stage);
    }

    [Fact]
    public void TooLittleDataGivesNoScoreButStillShowsWhatItHas()
    {
        var urgentOnDayTwo = NewCustomer(
            day: 2) with
        { Tickets = [new(TicketSeverity.Urgent, AsOf.AddDays(-1), null)] };

        var score = Score(urgentOnDayTwo);

        Assert.Null(score.Score);
        Assert.Equal(HealthBand.Unknown, score.Band);
        Assert.Equal(0.1, score.Completeness.Share, 9);
        Assert.NotNull(score.Component(HealthComponentKind.Support));
        Assert.NotNull(Score(urgentOnDayTwo, Scorecard.Default with { MinimumCompleteness = 0 }).Score);
    }

    [Theory]
    [InlineData(CsTier.TechTouch, CsTier.TechTouch, 84.1)]
    [InlineData(CsTier.LowTouch, CsTier.LowTouch, 84.7)]
    [InlineData(CsTier.HighTouch, CsTier.HighTouch, 88.0)]
    [InlineData(CsTier.Unspecified, CsTier.TechTouch, 84.1)]
    public void TheWeightsFollowTheTierAsOfTheInstant(CsTier tier, CsTier scoredAs, double expected)
    {
        var score = Score(Steady(tier));

        Assert.Equal(scoredAs, score.Tier);
        Assert.Equal(expected, score.Score);
        Assert.Equal(scoredAs != CsTier.TechTouch, score.Component(HealthComponentKind.Relationship) is not null);
    }

    [Fact]
    public void TheSameSignalsAlwaysGiveTheSameScore()
    {
        var signals = Steady(CsTier.HighTouch) with
        {
            Usage = Use(activeUsers: 13, mau: 17, previousMau: 15, featuresUsed: 2),
            Onboarding = Plan(100, ("kickoff", 7, 3), ("first_value", 30, 40)),
            NpsAnswers = [Answer(9, 10), Answer(4, 100), Answer(7, 3)],
            Tickets = [new(TicketSeverity.High, AsOf.AddDays(-5), null),
                new(TicketSeverity.Low, AsOf.AddDays(-20), AsOf.AddDays(-2))],
            LastTouchpointAt = AsOf.AddDays(-40),
        };
        var reordered = signals with
        {
            Usage = signals.Usage with { Days = signals.Usage.Days.Reverse().ToArray() },
            NpsAnswers = signals.NpsAnswers.Reverse().ToArray(),
            Tickets = signals.Tickets.Reverse().ToArray(),
        };

        var first = Score(signals);

        foreach (var again in new[] { Score(signals), Score(reordered) })
        {
            Assert.Equal(first.Score, again.Score);
            Assert.Equal(first.Band, again.Band);
            Assert.Equal(first.Stage, again.Stage);
            Assert.Equal(first.Components, again.Components);
            Assert.Equal(first.Completeness.Share, again.Completeness.Share);
            Assert.Equal(first.Completeness.Missing, again.Completeness.Missing);
        }
        Assert.Equal(signals.AsOf, first.AsOf);
        Assert.Equal(1, first.ScorecardVersion);
    }

    [Fact]
    public void EveryScoreIsBetweenZeroAndOneHundredWithOneDecimal()
    {
        var score = Score(
            Steady() with
            {
                Usage = Use(activeUsers: 7, mau: 13, previousMau: 11, featuresUsed: 1, features: 3),
                NpsAnswers = [Answer(8, 17)]
            });

        Assert.All(score.Components, c => Assert.Equal(Math.Round(c.Score, 1), c.Score));
        Assert.All(score.Components, c => Assert.InRange(c.Score, 0, 100));
        Assert.Equal(Math.Round(score.Score!.Value, 1), score.Score);
    }

    [Fact]
    public void AnAccountWithALoginOnEachDayOfTheWindowIsEffective()
    {
        var withAGap = Steady() with
        {
            Usage = Steady()
            .Usage with
            { Days = Days(0, 60, 20).Where(d => d.Day != Today.AddDays(-12)).ToArray() }
        };

        Assert.True(Score(Steady()).EffectiveAccount);
        Assert.False(Score(withAGap).EffectiveAccount);
        // The window ends with the last complete day (yesterday, as of noon): 11 days reach back to day −11, 12 to
        // the gap.
        Assert.True(Score(withAGap, Scorecard.Default with { EffectiveAccountWindowDays = 11 }).EffectiveAccount);
        Assert.False(Score(withAGap, Scorecard.Default with { EffectiveAccountWindowDays = 12 }).EffectiveAccount);
    }

    [Fact]
    public void AnAccountActiveOnEachOfTheLastThirtyCompleteDaysIsEffectiveAllOfToday()
    {
        var lastThirty = Steady() with { Usage = Steady().Usage with { Days = Days(1, 30, 20) } };
        var midnight = new DateTimeOffset(Today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var endOfDay = midnight.AddDays(1).AddTicks(-TimeSpan.TicksPerMicrosecond);

        foreach (var at in new[] { midnight, midnight.AddHours(12), endOfDay.AddTicks(-TimeSpan.TicksPerMicrosecond) })
            Assert.True(Score(lastThirty with { AsOf = at }).EffectiveAccount, $"as of {at:O}");
        // As of the day's last microsecond (a stored snapshot's instant) the day is complete and judged: no use that
        // day.
        Assert.False(Score(lastThirty with { AsOf = endOfDay }).EffectiveAccount);
        // A gap on the day before yesterday takes the flag away.
        var gapDays = Days(1, 30, 20).Where(d => d.Day != Today.AddDays(-2)).ToArray();
        var withAGap = lastThirty with { Usage = lastThirty.Usage with { Days = gapDays } };
        Assert.False(Score(withAGap with { AsOf = midnight.AddHours(1) }).EffectiveAccount);
    }
}
