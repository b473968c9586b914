using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;

namespace CustomerHealth.Server.Tests.Health;

public sealed class ScorecardOnSqlite(SqliteTestDatabase database) : ScorecardTests<SqliteTestDatabase>(database);

public sealed class ScorecardOnPostgreSql(PostgreSqlTestDatabase database)
    : ScorecardTests<PostgreSqlTestDatabase>(database);

public sealed class ScorecardOnSqlServer(SqlServerTestDatabase database)
    : ScorecardTests<SqlServerTestDatabase>(database);

/// <summary>Scorecard changes, on a database of their own so that the other health tests see the built-in
/// scorecard.</summary>
public abstract class ScorecardTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task AReplacedScorecardIsValidatedVersionedAndRecomputesEveryScore()
    {
        await GivenCustomer("card", CsTier.TechTouch, seats: 5);
        await GivenDailyLogins("card", 20, "ann", "bob");
        await Eventually("card", s => s.Components.Any(c => c.Kind == HealthComponentKind.Engagement));

        var builtIn = (await Health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard;
        Assert.Equal(1, builtIn.Version);
        Assert.Equal("built-in", builtIn.UpdatedBy);
        Assert.False(builtIn.TechTouch.HasTouchpointCadenceDays);
        Assert.Equal(30, builtIn.HighTouch.TouchpointCadenceDays);

        var bad = builtIn.Clone();
        bad.TechTouch.Weights.Engagement = -1;
        bad.HealthyFrom = 30;
        var rejected = await RejectsField("scorecard.tech_touch.weights.engagement",
            () =>
                Health.ReplaceScorecardAsync(new() { Scorecard = bad, UpdatedBy = "ops" }, cancellationToken: Ct)
                    .ResponseAsync);
        Assert.Contains(rejected.FieldViolations, v => v.Field == "scorecard.healthy_from");
        await RejectsField(
            "updated_by",
            () => Health.ReplaceScorecardAsync(
                new() { Scorecard = builtIn, UpdatedBy = new string('x', 255) }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(1, (await Health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard.Version);

        var engagementOnly = builtIn.Clone();
        engagementOnly.TechTouch.Weights = new ComponentWeights { Engagement = 1 };
        var replaced = (await Health.ReplaceScorecardAsync(
            new() { Scorecard = engagementOnly, UpdatedBy = "ops" }, cancellationToken: Ct)).Scorecard;

        Assert.Equal(2, replaced.Version);
        Assert.Equal(TestCredentials.Subject, replaced.UpdatedBy); // the authenticated caller, not the request's field
        Assert.NotNull(replaced.UpdateTime);
        Assert.Equal(2, (await Health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard.Version);
        var score = await Eventually("card", s => s.ScorecardVersion == 2);
        Assert.Equal(2, score.ScorecardVersion);
        var only = Assert.Single(score.Components);
        Assert.Equal(HealthComponentKind.Engagement, only.Kind);
        Assert.Equal(1, only.Weight);
        Assert.Equal(only.Score, score.Score);
    }
}
