using CustomerHealth.Domain.Health;
using static CustomerHealth.Domain.Tests.Health.Signals;

namespace CustomerHealth.Domain.Tests.Health;

public sealed class LifecycleTests
{
    private static LifecycleStage StageOf(AccountSignals signals) => Lifecycle.StageOf(signals);

    /// <summary>
    /// A first-term customer of 100 days with 40 seats, <paramref name="users"/> of them active every day.
    /// </summary>
    private static AccountSignals FirstTerm(int users, int seats = 40) =>
        NewCustomer(day: 100, seats: seats) with { Usage = Use(users, users) };

    [Fact]
    public void AnAccountThatNeverSignedIsALead() =>
        Assert.Equal(LifecycleStage.Lead, StageOf(Lead()));

    [Fact]
    public void ASignedAccountWithoutUseIsNew()
    {
        Assert.Equal(LifecycleStage.New, StageOf(NewCustomer(day: 3)));
        Assert.Equal(LifecycleStage.New, StageOf(NewCustomer(day: -10)));
    }

    [Fact]
    public void UseOnFourDaysOfTheLastThirtyMakesItLive()
    {
        var fourDays = NewCustomer(day: 40) with { Usage = new(Days(0, 4, activeUsers: 1), 1, 0, 0, 0) };
        var threeDays = NewCustomer(day: 40) with { Usage = new(Days(0, 3, activeUsers: 1), 1, 0, 0, 0) };

        Assert.Equal(LifecycleStage.Live, StageOf(fourDays));
        Assert.Equal(LifecycleStage.New, StageOf(threeDays));
    }

    [Fact]
    public void ReachingFirstValueMakesItLive()
    {
        Assert.Equal(
            LifecycleStage.Live,
            StageOf(NewCustomer(day: 20) with { Onboarding = Plan(20, ("kickoff", 7, 2), ("first_value", 30, 10)) }));
        Assert.Equal(
            LifecycleStage.New,
            StageOf(NewCustomer(day: 20) with { Onboarding = Plan(20, ("kickoff", 7, 2), ("first_value", 30, null)) }));
    }

    [Fact]
    public void HalfTheSeatsInOftenMakesItActive()
    {
        Assert.Equal(LifecycleStage.Active, StageOf(FirstTerm(users: 20)));
        Assert.Equal(LifecycleStage.Live, StageOf(FirstTerm(users: 19)));
    }

    [Fact]
    public void ActiveNeedsUsersToComeBackOnAboutOneDayInFive()
    {
        var often = NewCustomer(day: 100) with { Usage = Use(activeUsers: 4, mau: 20) };   // DAU/MAU 20%
        var seldom = NewCustomer(day: 100) with { Usage = Use(activeUsers: 3, mau: 20) };  // 15%

        Assert.Equal(LifecycleStage.Active, StageOf(often));
        Assert.Equal(LifecycleStage.Live, StageOf(seldom));
    }

    [Fact]
    public void WithoutSeatsActiveNeedsOnlyFrequentUse() =>
        Assert.Equal(LifecycleStage.Active, StageOf(FirstTerm(users: 2, seats: 0)));

    [Fact]
    public void ARenewedAccountIsRetainedEvenWithoutUse() =>
        Assert.Equal(LifecycleStage.Retained, StageOf(Steady() with { Usage = UsageSignals.None }));

    [Fact]
    public void APromoterThatIsRetainedOrActiveIsAnAdvocate()
    {
        Assert.Equal(
            LifecycleStage.Advocate,
            StageOf(Steady() with { Usage = UsageSignals.None, NpsAnswers = [Answer(9, 30)] }));
        Assert.Equal(LifecycleStage.Advocate, StageOf(FirstTerm(users: 20) with { NpsAnswers = [Answer(10)] }));
        Assert.Equal(LifecycleStage.Live, StageOf(FirstTerm(users: 10) with { NpsAnswers = [Answer(10)] }));
    }

    [Fact]
    public void OnlyTheNewestAnswerOfTheLast180DaysMakesAPromoter()
    {
        Assert.Equal(LifecycleStage.Retained, StageOf(Steady() with { NpsAnswers = [Answer(10, 40), Answer(6, 5)] }));
        Assert.Equal(LifecycleStage.Retained, StageOf(Steady() with { NpsAnswers = [Answer(10, 200)] }));
        Assert.Equal(LifecycleStage.Advocate, StageOf(Steady() with { NpsAnswers = [Answer(6, 40), Answer(9, 5)] }));
    }

    [Fact]
    public void NoActiveContractAfterAChurnIsChurned()
    {
        var churned = Steady() with { Contracts = Steady().Contracts! with { HasActiveContract = false, Churns = 1 } };
        var wonBack = Steady() with { Contracts = Steady().Contracts! with { Renewals = 0, Churns = 1 } };
        var awaitingOutcome = FirstTerm(
            users: 20) with
        { Contracts = FirstTerm(20).Contracts! with { HasActiveContract = false } };

        Assert.Equal(LifecycleStage.Churned, StageOf(churned with { NpsAnswers = [Answer(10)] }));
        Assert.Equal(LifecycleStage.Active, StageOf(wonBack));
        Assert.Equal(LifecycleStage.Active, StageOf(awaitingOutcome));
    }

    [Fact]
    public void TheScoreCarriesTheStage() =>
        Assert.Equal(LifecycleStage.Retained, Score(Steady()).Stage);
}
