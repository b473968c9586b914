using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Tests.Stakeholders;

public sealed class HierarchyTests
{
    private static readonly ExchangeRates UsdWithEuro = new(
        "USD", new Dictionary<string, decimal> { ["EUR"] = 1.10m }, Version: 3);

    [Fact]
    public void AParentThatIsTheAccountOrBelowItMakesACycle()
    {
        var self = Assert.Throws<RuleViolationException>(() => AccountHierarchy.CheckParent("a", "a", ["a"], 1));
        Assert.Equal(AccountHierarchy.CycleReason, self.Reason);
        // a <- b <- c: c cannot become a's parent.
        var below = Assert.Throws<RuleViolationException>(
            () => AccountHierarchy.CheckParent("a", "c", ["c", "b", "a"], 3));
        Assert.Equal(AccountHierarchy.CycleReason, below.Reason);
    }

    [Fact]
    public void ATreeMayHaveFiveLevelsAndNoMore()
    {
        // Four ancestors above the new parent's level: the account is the fifth level.
        AccountHierarchy.CheckParent("e", "d", ["d", "c", "b", "a"], 1);
        var deeper = Assert.Throws<RuleViolationException>(
            () => AccountHierarchy.CheckParent("e", "d", ["d", "c", "b", "a"], 2));
        Assert.Equal(AccountHierarchy.TooDeepReason, deeper.Reason);
        Assert.Equal("5", deeper.Metadata["max_levels"]);
        // Moving a subtree of three levels under a root with one ancestor: 2 + 3 = 5 is fine, 3 + 3 is not.
        AccountHierarchy.CheckParent("x", "b", ["b", "a"], 3);
        Assert.Throws<RuleViolationException>(() => AccountHierarchy.CheckParent("x", "c", ["c", "b", "a"], 3));
    }

    [Fact]
    public void AWalkListsTheRootThenDepthFirstWithChildrenById()
    {
        var links = new[] { ("b2", "root"), ("b1", "root"), ("c1", "b1"), ("d1", "c1"), ("b3", "elsewhere") };

        var walk = AccountHierarchy.Walk("root", links);

        Assert.Equal([("root", 0), ("b1", 1), ("c1", 2), ("d1", 3), ("b2", 1)], walk);
    }

    [Fact]
    public void AWalkIgnoresALinkBackIntoTheTree()
    {
        var walk = AccountHierarchy.Walk("a", [("b", "a"), ("a", "b")]);

        Assert.Equal([("a", 0), ("b", 1)], walk);
    }

    [Fact]
    public void TheRollupAddsConvertedArrAndWeightsScoresByIt()
    {
        TreeMember[] members =
        [
            new("root", null, 0, new Money(100_000m, "USD"), 80),
            new("emea", "root", 1, new Money(50_000m, "EUR"), 40), // 55,000 USD
            new("apac", "root", 1, new Money(1_000_000m, "JPY"), 10), // no rate: left out
            new("new", "root", 1, new Money(20_000m, "USD"), null), // not scored: ARR counts, score does not
            new("prospect", "root", 1, null, 90), // no contract: no weight
        ];

        var rollup = TreeRollup.Of(members, UsdWithEuro);

        // 100,000 + 55,000 + 20,000; (80 × 100,000 + 40 × 55,000) / 155,000 = 65.806...
        Assert.Equal(175_000m, rollup.TotalReportingArr);
        Assert.Equal(65.81, rollup.ArrWeightedScore);
        Assert.Equal((5, 1, 1), (rollup.Accounts, rollup.AccountsWithoutRate, rollup.UnscoredAccounts));
    }

    [Fact]
    public void ATreeWithoutArrHasNoWeightedScore()
    {
        var rollup = TreeRollup.Of([new TreeMember("a", null, 0, new Money(0m, "USD"), 70)], UsdWithEuro);

        Assert.Null(rollup.ArrWeightedScore);
        Assert.Equal(0m, rollup.TotalReportingArr);
    }
}
