using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;

namespace CustomerHealth.Server.Tests.Plays;

public sealed class ChampionPlaysOnSqlite(SqliteTestDatabase database)
    : ChampionPlayTests<SqliteTestDatabase>(database);

public sealed class ChampionPlaysOnPostgreSql(PostgreSqlTestDatabase database)
    : ChampionPlayTests<PostgreSqlTestDatabase>(database);

public sealed class ChampionPlaysOnSqlServer(SqlServerTestDatabase database)
    : ChampionPlayTests<SqlServerTestDatabase>(database);

/// <summary>The ChampionLeft rule, fired by the champion signal as accounts are rescored (clock: 2026-03-15).</summary>
public abstract class ChampionPlayTests<TDatabase>(TDatabase database) : PlayScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private async Task Upsert(Contact contact) =>
        await Accounts.UpsertContactAsync(new() { Contact = contact }, cancellationToken: Ct);

    [Fact]
    public async Task AChampionWhoLeftOpensAPlayThatClosesWhenANewChampionIsNamed()
    {
        const string owner = "champion-left@example.com";
        await GivenCustomer("cl-acme", CsTier.LowTouch, owner: owner);
        await GivenLogins("cl-acme", new(2026, 2, 20), new(2026, 3, 14), "bob", "cy");

        await Upsert(StakeholderTests<TDatabase>.Person("cl-ann", "cl-acme", left: true));
        var plays = await PlaysOnce(owner, p => HasActive(p, PlayRuleKind.ChampionLeft));

        var play = Active(plays, PlayRuleKind.ChampionLeft);
        Assert.Equal(PlayPriority.High, play.Priority);
        var driver = Assert.Single(play.Drivers);
        Assert.Equal(("champion_left:cl-ann", 0.0), (driver.Name, driver.Value));
        Assert.DoesNotContain("Person", driver.Explanation, StringComparison.Ordinal); // no name kept in a play

        await Upsert(StakeholderTests<TDatabase>.Person("cl-dee", "cl-acme"));
        plays = await PlaysOnce(owner, p => p.Any(x => x.RuleKind == PlayRuleKind.ChampionLeft
            && x.Status == PlayStatus.AutoResolved));
        Assert.Equal(play.PlayId, Assert.Single(plays, p => p.RuleKind == PlayRuleKind.ChampionLeft).PlayId);
    }

    [Fact]
    public async Task AChampionGoingQuietOpensAPlayThatClosesWhenTheyAreBack()
    {
        const string owner = "champion-quiet@example.com";
        await GivenCustomer("cq-acme", CsTier.HighTouch, owner: owner);
        await GivenLogins("cq-acme", new(2026, 2, 1), new(2026, 2, 10), "ann"); // ann: last seen 33 days ago
        await GivenLogins("cq-acme", new(2026, 2, 20), new(2026, 3, 14), "bob");

        await Upsert(StakeholderTests<TDatabase>.Person("cq-ann", "cq-acme", user: "ann"));
        var plays = await PlaysOnce(owner, p => HasActive(p, PlayRuleKind.ChampionLeft));

        var driver = Assert.Single(Active(plays, PlayRuleKind.ChampionLeft).Drivers);
        Assert.Equal(("champion_quiet_days:cq-ann", 21.0), (driver.Name, driver.Threshold));

        await GivenLogins("cq-acme", new(2026, 3, 15), new(2026, 3, 15), "ann");
        await PlaysOnce(owner, p => p.Any(x => x.RuleKind == PlayRuleKind.ChampionLeft
            && x.Status == PlayStatus.AutoResolved));
    }
}
