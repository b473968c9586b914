using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Health;
using static CustomerHealth.Domain.Tests.Health.Signals;

namespace CustomerHealth.Domain.Tests.Health;

public sealed class ComponentTests
{
    private const HealthComponentKind Engagement = HealthComponentKind.Engagement;
    private const HealthComponentKind Adoption = HealthComponentKind.Adoption;
    private const HealthComponentKind Momentum = HealthComponentKind.Momentum;
    private const HealthComponentKind Onboarding = HealthComponentKind.Onboarding;
    private const HealthComponentKind Sentiment = HealthComponentKind.Sentiment;
    private const HealthComponentKind Support = HealthComponentKind.Support;
    private const HealthComponentKind Relationship = HealthComponentKind.Relationship;

    // Engagement

    [Fact]
    public void EngagementIsFullWhenEveryMonthlyUserIsActiveEveryDay() =>
        Assert.Equal(100, Component(Steady(), Engagement).Score);

    [Fact]
    public void EngagementBlendsTheActiveDayShareWithStickiness()
    {
        var everyOtherDay = Enumerable.Range(0, 15).Select(i => new DailyUsage(Today.AddDays(-2 * i), 5, 50)).ToArray();
        var signals = Steady() with { Usage = new(everyOtherDay, 20, 20, 5, 5) };

        var engagement = Component(signals, Engagement);

        Assert.Equal(31.3, engagement.Score); // 100 × (15/30 + 2.5/20) / 2
        Assert.Equal(
            "Active on 15 of the last 30 days; DAU/MAU 13% (2.5 of 20 monthly active users on an average day)",
            engagement.Explanation);
    }

    [Fact]
    public void AnAccountThatDoesNotUseTheProductHasZeroEngagementNotNone() =>
        Assert.Equal(0, Component(Steady() with { Usage = UsageSignals.None }, Engagement).Score);

    [Fact]
    public void EngagementCountsOnlyTheDaysSinceTheStart()
    {
        var signals = NewCustomer(day: 9) with { Usage = Use(activeUsers: 2, mau: 2, days: 20) };

        var engagement = Component(signals, Engagement);

        Assert.Equal(100, engagement.Score);
        Assert.StartsWith("Active on 10 of the 10 days since 2026-06-21", engagement.Explanation);
    }

    [Fact]
    public void UsageComponentsNeedSevenDaysSinceTheStart()
    {
        var sixDays = NewCustomer(day: 5) with { Usage = Use(2, 2, days: 6) };
        var sevenDays = NewCustomer(day: 6) with { Usage = Use(2, 2, days: 7) };

        Assert.Equal("only 6 days of use since the start; needs 7", MissingReason(sixDays, Engagement));
        Assert.NotNull(MissingReason(sixDays, Adoption));
        Assert.NotNull(Score(sevenDays).Component(Engagement));
        Assert.NotNull(Score(sevenDays).Component(Adoption));
    }

    [Fact]
    public void UsageIsNotScoredBeforeTheContractStarts() =>
        Assert.Equal("the account starts on 2026-07-03", MissingReason(NewCustomer(day: -3), Engagement));

    // Adoption

    [Fact]
    public void AdoptionAveragesSeatUtilisationAndFeatureBreadth()
    {
        var adoption = Component(
            Steady() with { Usage = Use(activeUsers: 12, mau: 12, featuresUsed: 3, features: 5) }, Adoption);

        Assert.Equal(45, adoption.Score); // (12/40 + 3/5) / 2
        Assert.Equal("12 of 40 seats active in the last 30 days; 3 of 5 key features used", adoption.Explanation);
    }

    [Fact]
    public void SeatUtilisationIsCappedAtAllSeats() =>
        Assert.Equal(100, Component(Steady(seats: 10) with { Usage = Use(activeUsers: 25, mau: 25) }, Adoption).Score);

    [Fact]
    public void WithoutSeatsAdoptionIsFeatureBreadthAlone()
    {
        var adoption = Component(
            Steady(seats: 0) with { Usage = Use(activeUsers: 12, mau: 12, featuresUsed: 3, features: 5) }, Adoption);

        Assert.Equal(60, adoption.Score);
        Assert.StartsWith("no purchased seats", adoption.Explanation);
    }

    [Fact]
    public void WithoutKeyFeaturesAdoptionIsSeatUtilisationAlone() =>
        Assert.Equal(
            30,
            Component(Steady() with { Usage = Use(activeUsers: 12, mau: 12, featuresUsed: 0, features: 0) }, Adoption)
            .Score);

    [Fact]
    public void WithoutSeatsOrKeyFeaturesAdoptionHasNoData() =>
        Assert.Equal("no purchased seats and no key features in the catalogue",
            MissingReason(Steady(seats: 0) with { Usage = Use(12, 12, featuresUsed: 0, features: 0) }, Adoption));

    // Momentum

    [Theory]
    [InlineData(-1.0, 0)]
    [InlineData(-0.5, 0)]
    [InlineData(-0.25, 30)]
    [InlineData(0.0, 60)]
    [InlineData(0.125, 80)]
    [InlineData(0.25, 100)]
    [InlineData(3.0, 100)]
    public void MomentumIsZeroAtHalvingSixtyWhenFlatAndFullFromAQuarterMore(double change, double expected) =>
        Assert.Equal(expected, HealthScorer.MomentumOf(change), 9);

    [Fact]
    public void MomentumAveragesTheChangeInActiveUsersAndInEvents()
    {
        var momentum = Component(Steady() with { Usage = Use(activeUsers: 20, mau: 20, previousMau: 40) }, Momentum);

        Assert.Equal(30, momentum.Score); // users −50% → 0, events flat → 60
        Assert.Equal(
            "20 active users in the last 30 days vs 40 in the 30 before (-50%); 3000 events vs 3000 (0%)",
            momentum.Explanation);
    }

    [Fact]
    public void UseFromNothingIsFullMomentum() =>
        Assert.Equal(
            100, Component(Steady() with { Usage = Use(activeUsers: 5, mau: 5, previousMau: 0, days: 30) }, Momentum)
            .Score);

    [Fact]
    public void NoUseInEitherWindowGivesNoMomentum() =>
        Assert.Equal(
            "no use in the last 60 days to compare",
            MissingReason(Steady() with { Usage = UsageSignals.None }, Momentum));

    [Fact]
    public void MomentumNeedsTwoFullWindowsSinceTheStart()
    {
        var usage = Use(activeUsers: 5, mau: 5);

        Assert.Equal(
            "needs 60 days since the start to compare two 30-day windows; has 59",
            MissingReason(NewCustomer(58) with { Usage = usage }, Momentum));
        Assert.Equal(60, Component(NewCustomer(59) with { Usage = usage }, Momentum).Score);
    }

    // Onboarding

    private static AccountSignals Onboarding90(
        int day, int? kickoff = null, int? firstValue = null, int? halfSeats = null, int? review = null) =>
        NewCustomer(
            day) with
        {
            Onboarding = Plan(
                day, ("kickoff", 7, kickoff), ("first_value", 30, firstValue), ("half_seats_active", 60, halfSeats),
                ("day_90_review", 90, review))
        };

    [Fact]
    public void OnboardingIsFullWhenEveryMilestoneDueIsDone() =>
        Assert.Equal(100, Component(Onboarding90(day: 20, kickoff: 5), Onboarding).Score);

    [Fact]
    public void EachOverdueMilestoneCostsItsShareAndTenPoints()
    {
        var onboarding = Component(Onboarding90(day: 40, kickoff: 5), Onboarding);

        Assert.Equal(40, onboarding.Score); // 1 of 2 done → 50, one overdue → −10
        Assert.Equal(
            "Day 40 of the plan: 1 of 2 milestones due so far done; 1 overdue (first_value by 10 d)",
            onboarding.Explanation);
    }

    [Fact]
    public void OnboardingWithEverythingOverdueIsZero() =>
        Assert.Equal(0, Component(Onboarding90(day: 40), Onboarding).Score);

    [Fact]
    public void AMilestoneIsOverdueFromTheDayAfterItsDueDay()
    {
        Assert.Equal(
            "no milestone due yet (day 7 of the plan; the first is due on day 7)",
            MissingReason(Onboarding90(day: 7), Onboarding));
        Assert.Equal(0, Component(Onboarding90(day: 8), Onboarding).Score);
    }

    [Fact]
    public void AMilestoneDoneEarlyCountsBeforeItIsDue() =>
        Assert.Equal(100, Component(Onboarding90(day: 3, kickoff: 2), Onboarding).Score);

    [Fact]
    public void ACompletionAfterTheAsOfDayDoesNotCount() =>
        Assert.Equal(0, Component(Onboarding90(day: 10, kickoff: 12), Onboarding).Score);

    [Fact]
    public void AfterDay90OnboardingIsTheFinalOnTimeShare()
    {
        Assert.Equal(
            100, Component(Onboarding90(day: 90, kickoff: 5, firstValue: 35, halfSeats: 50), Onboarding).Score);

        var final = Component(Onboarding90(day: 91, kickoff: 5, firstValue: 35, halfSeats: 50), Onboarding);

        Assert.Equal(50, final.Score); // kickoff and half seats on time; first value late; review never done
        Assert.Equal("Plan over (day 91): 2 of 4 milestones done on time", final.Explanation);
    }

    [Fact]
    public void OnboardingStopsCountingAYearAfterThePlanStarted()
    {
        Assert.NotNull(Score(Onboarding90(day: 364, kickoff: 5)).Component(Onboarding));
        Assert.StartsWith("onboarding is over", MissingReason(Onboarding90(day: 365, kickoff: 5), Onboarding));
    }

    [Fact]
    public void WithoutAPlanOnboardingHasNoData() =>
        Assert.Equal("no onboarding plan", MissingReason(Steady(), Onboarding));

    // Sentiment

    [Theory]
    [InlineData(10, 100)]
    [InlineData(9, 100)]
    [InlineData(8, 70)]
    [InlineData(7, 70)]
    [InlineData(6, 30)]
    [InlineData(0, 0)]
    public void AFreshAnswerIsWorthItsCategory(int answer, double expected) =>
        Assert.Equal(expected, Component(Steady() with { NpsAnswers = [Answer(answer)] }, Sentiment).Score);

    [Theory]
    [InlineData(10, 85)]
    [InlineData(0, 35)]
    public void AnAnswerFadesTowardAPassiveAsItAges(int answer, double expected) =>
        Assert.Equal(
            expected, Component(Steady() with { NpsAnswers = [Answer(answer, daysAgo: 90)] }, Sentiment).Score);

    [Fact]
    public void RecentAnswersCountMoreThanOldOnes()
    {
        var sentiment = Component(
            Steady() with { NpsAnswers = [Answer(10, daysAgo: 90), Answer(0, daysAgo: 0)] }, Sentiment);

        Assert.Equal(33.3, sentiment.Score); // (0.5 × 100 + 1 × 0) / 1.5, the newest fully fresh
        Assert.Equal("2 NPS answers in the last 180 days (NPS 0); newest answer 0, 0 days ago", sentiment.Explanation);
    }

    [Fact]
    public void AnswersOlderThan180DaysOrAfterTheAsOfInstantAreIgnored() =>
        Assert.Equal(
            "no NPS answer in the last 180 days",
            MissingReason(
                Steady() with { NpsAnswers = [Answer(10, daysAgo: 180), Answer(0, daysAgo: -1)] }, Sentiment));

    // Support

    private static TicketSummary Ticket(
        TicketSeverity severity, double openedDaysAgo = 3, double? closedDaysAgo = null) =>
        new(severity, AsOf.AddDays(-openedDaysAgo), closedDaysAgo is { } c ? AsOf.AddDays(-c) : null);

    [Fact]
    public void NoTicketsIsNoFriction()
    {
        var support = Component(Steady(), Support);

        Assert.Equal(100, support.Score);
        Assert.Equal("No support tickets in the last 30 days", support.Explanation);
    }

    [Theory]
    [InlineData(10, TicketSeverity.Normal, null, 50)]
    [InlineData(5, TicketSeverity.Normal, null, 50)]
    [InlineData(40, TicketSeverity.Normal, null, 84.1)]
    [InlineData(10, TicketSeverity.Normal, 1.0, 70.7)]
    [InlineData(10, TicketSeverity.Unspecified, null, 50)]
    [InlineData(10, TicketSeverity.Low, null, 70.7)]
    [InlineData(10, TicketSeverity.High, null, 25)]
    [InlineData(10, TicketSeverity.Urgent, null, 6.3)]
    public void SupportHalvesWithEveryTwoSeverityPointsPerTenSeats(
        int seats, TicketSeverity severity, double? closedDaysAgo, double expected) =>
        Assert.Equal(
            expected,
            Component(Steady(seats: seats) with { Tickets = [Ticket(severity, closedDaysAgo: closedDaysAgo)] }, Support)
            .Score);

    [Fact]
    public void SupportExplainsTheTickets() =>
        Assert.Equal("2 tickets in the last 30 days (1 high, 1 low; 1 still open): 1.1 severity points per 10 seats",
            Component(
                Steady() with
                {
                    Tickets = [Ticket(TicketSeverity.High),
                Ticket(TicketSeverity.Low, closedDaysAgo: 1)]
                }, Support).Explanation);

    [Fact]
    public void TicketsClosedBeforeTheWindowOrOpenedAfterTheAsOfInstantAreIgnored() =>
        Assert.Equal(
            100,
            Component(
                Steady() with
                {
                    Tickets = [Ticket(TicketSeverity.Urgent, 60, closedDaysAgo: 31),
                Ticket(TicketSeverity.Urgent, openedDaysAgo: -1)]
                }, Support).Score);

    [Fact]
    public void SupportNeedsATicketOrSevenDaysSinceTheStart()
    {
        Assert.StartsWith("no ticket yet", MissingReason(NewCustomer(day: 2), Support));
        Assert.Equal(
            25,
            Component(
                NewCustomer(day: 2, seats: 10) with { Tickets = [Ticket(TicketSeverity.High, openedDaysAgo: 1)] },
                Support).Score);
    }

    // Relationship

    [Theory]
    [InlineData(0, 100)]
    [InlineData(30, 100)]
    [InlineData(45, 50)]
    [InlineData(60, 0)]
    [InlineData(200, 0)]
    public void RelationshipFallsFromFullAtTheCadenceToZeroAtTwiceIt(int daysAgo, double expected)
    {
        var relationship = Component(
            Steady(CsTier.HighTouch) with { LastTouchpointAt = AsOf.AddDays(-daysAgo) }, Relationship);

        Assert.Equal(expected, relationship.Score);
        Assert.Equal(
            $"Last CSM touchpoint {daysAgo} days ago; the high-touch cadence is 30 days", relationship.Explanation);
    }

    [Fact]
    public void LowTouchAccountsHaveANinetyDayCadence() =>
        Assert.Equal(
            50, Component(Steady(CsTier.LowTouch) with { LastTouchpointAt = AsOf.AddDays(-135) }, Relationship).Score);

    [Fact]
    public void WithoutATouchpointTheDaysCountFromTheStartOnceTheCadenceHasPassed()
    {
        Assert.StartsWith(
            "no CSM touchpoint recorded yet", MissingReason(NewCustomer(day: 20, CsTier.HighTouch), Relationship));

        var relationship = Component(NewCustomer(day: 45, CsTier.HighTouch), Relationship);

        Assert.Equal(50, relationship.Score);
        Assert.StartsWith("No CSM touchpoint recorded in the 45 days since the start", relationship.Explanation);
    }

    [Fact]
    public void RelationshipIsNotPartOfTheTechTouchScore()
    {
        var score = Score(Steady(CsTier.TechTouch));

        Assert.Null(score.Component(Relationship));
        Assert.DoesNotContain(score.Completeness.Missing, m => m.Kind == Relationship);
    }

    [Fact]
    public void ATierWeightedForRelationshipButWithoutCadenceHasNoRelationshipData()
    {
        var card = Scorecard.Default with
        {
            TechTouch = Scorecard.Default.TechTouch with { Weights = Scorecard.Default.TechTouch.Weights with { Relationship = 5 } },
        };

        Assert.Equal(
            "not measured for tech-touch accounts", MissingReason(Steady(CsTier.TechTouch), Relationship, card));
    }
}
