using CustomerHealth.Domain.Accounts;
using CustomerHealth.Infrastructure.Onboarding;
using Money = CustomerHealth.Domain.Common.Money;

namespace CustomerHealth.Server.Tests.Onboarding;

/// <summary>
/// Which seats a plan's seat-share milestones are measured against (a pure rule; no database needed).
/// </summary>
public sealed class PlanSeatsTests
{
    private static readonly DateTime Now = new(2026, 3, 15, 10, 30, 0, DateTimeKind.Utc);

    private static Contract Term(string id, int seats, string start, string end) =>
        Contract.Create(
            new ContractTerms(
                id, "acme", new Money(12_000m, "USD"), seats,
                DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
                DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture)), Now);

    [Fact]
    public void APlanEvaluatedAfterTheAccountChurnedStillCountsTheSeatsSoldForOnboarding()
    {
        var first = Term("acme-1", 10, "2025-01-01", "2026-01-01");
        first.RecordOutcome(new RenewalOutcomeInput(RenewalOutcomeKind.Churned, null, null, null, null), Now);

        // what the evaluation used to count: no seats
        Assert.Null(Contract.CurrentOf([first], new DateOnly(2026, 3, 15)));
        Assert.Equal(10, OnboardingEvidence.PlanSeats([first], new DateOnly(2025, 1, 1), new DateOnly(2026, 3, 15)));
    }

    [Fact]
    public void APlanUsesTheContractRunningAtItsStartNotALaterRenewal()
    {
        var first = Term("acme-1", 10, "2025-01-01", "2026-01-01");
        var second = Term("acme-2", 40, "2026-01-01", "2027-01-01");

        Assert.Equal(
            10, OnboardingEvidence.PlanSeats([first, second], new DateOnly(2025, 1, 1), new DateOnly(2026, 3, 15)));
        Assert.Equal(40, OnboardingEvidence.PlanSeats([second], new DateOnly(2025, 6, 1), new DateOnly(2026, 3, 15)));
    }
}
