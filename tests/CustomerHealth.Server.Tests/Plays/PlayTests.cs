using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Plays;

public sealed class PlaysOnSqlite(SqliteTestDatabase database) : PlayTests<SqliteTestDatabase>(database);

public sealed class PlaysOnPostgreSql(PostgreSqlTestDatabase database) : PlayTests<PostgreSqlTestDatabase>(database);

public sealed class PlaysOnSqlServer(SqlServerTestDatabase database) : PlayTests<SqlServerTestDatabase>(database);

/// <summary>Plays that fire, dedupe and clear by themselves as accounts are scored (clock: 2026-03-15).</summary>
public abstract class PlayTests<TDatabase>(TDatabase database) : PlayScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task PlaysFireByThemselvesDedupeAndClearWhenTheConditionClears()
    {
        const string owner = "plays-fire@example.com";
        using var watch = Plays.WatchPlays(new() { Owner = owner }, cancellationToken: Ct);
        await GivenCustomer("pf-quiet", CsTier.HighTouch, owner: owner); // since January, no use, no touchpoint

        var plays = await PlaysOnce(owner, p => HasActive(p, PlayRuleKind.BandCritical)
            && HasActive(p, PlayRuleKind.NoTouchpoint));
        var critical = Active(plays, PlayRuleKind.BandCritical);
        Assert.Equal(
            ("pf-quiet", CsTier.HighTouch, PlayPriority.High),
            (critical.AccountId, critical.CsTier, critical.Priority));
        // High-touch: due in 2 days.
        Assert.Equal((PlayChannel.Csm, Build.Date("2026-03-17")), (critical.Channel, critical.DueDate));
        Assert.Equal("score", Assert.Single(critical.Drivers).Name);
        var silent = Active(plays, PlayRuleKind.NoActivity);
        Assert.Equal(("days_without_activity", 14.0), (silent.Drivers[0].Name, silent.Drivers[0].Threshold));
        Assert.True(await watch.ResponseStream.MoveNext(Ct));
        Assert.Equal(PlayChangeKind.Opened, watch.ResponseStream.Current.Change.Kind);

        await GivenTouchpoint("pf-quiet", "pf-call-1");
        plays = await PlaysOnce(owner, p => p.Any(x => x.Status == PlayStatus.AutoResolved));
        var resolved = Assert.Single(plays, p => p.Status == PlayStatus.AutoResolved);
        Assert.Equal(PlayRuleKind.NoTouchpoint, resolved.RuleKind);
        Assert.DoesNotContain(plays, p => p.RuleKind == PlayRuleKind.NoTouchpoint && p.Status == PlayStatus.Open);
        Assert.NotNull(resolved.CloseTime);
        // Rescored, the rules that still fire keep their one play each.
        Assert.All(plays.GroupBy(p => p.RuleKind), g => Assert.Single(g));
        Assert.Equal(critical.PlayId, Active(plays, PlayRuleKind.BandCritical).PlayId);

        var feed = (await Plays.ListPlayChangesAsync(new() { Owner = owner }, cancellationToken: Ct)).Changes;
        Assert.Equal(plays.Count, feed.Count(c => c.Kind == PlayChangeKind.Opened));
        Assert.Equal(resolved.PlayId, Assert.Single(feed, c => c.Kind == PlayChangeKind.AutoResolved).Play.PlayId);
        Assert.Equal(feed.Select(c => c.Sequence).Order(), feed.Select(c => c.Sequence));
    }

    [Fact]
    public async Task PlaysListOfOneSegmentHoldsOnlyItsAccounts()
    {
        const string owner = "plays-segment@example.com";
        await GivenCustomer("ps-smb", CsTier.HighTouch, owner: owner); // quiet: critical, no activity, no touchpoint
        await GivenCustomer("ps-ent", CsTier.HighTouch, owner: owner);
        var smb = Build.Account("ps-smb", tier: CsTier.HighTouch, owner: owner);
        smb.Segment = "smb";
        await Accounts.UpsertAccountAsync(new() { Account = smb }, cancellationToken: Ct);
        var all = await PlaysOnce(owner, p => p.Select(x => x.AccountId).Distinct().Count() == 2
            && p.Count(x => x.RuleKind == PlayRuleKind.BandCritical) == 2);

        var page = await Plays.ListPlaysAsync(new() { Owner = owner, Segment = "smb", PageSize = 1 },
            cancellationToken: Ct);
        var listed = page.Plays.ToList();
        while (page.NextPageToken != "")
        {
            page = await Plays.ListPlaysAsync(
                new() { Owner = owner, Segment = "smb", PageSize = 1, PageToken = page.NextPageToken },
                cancellationToken: Ct);
            listed.AddRange(page.Plays);
        }

        Assert.Equal(all.Where(p => p.AccountId == "ps-smb").Select(p => p.PlayId).Order(),
            listed.Select(p => p.PlayId).Order());
        Assert.Empty((await Plays.ListPlaysAsync(new() { Owner = owner, Segment = "mid-market" },
            cancellationToken: Ct)).Plays);
        // A page token belongs to its filters: the next page of another segment is refused.
        var first = await Plays.ListPlaysAsync(new() { Owner = owner, Segment = "smb", PageSize = 1 },
            cancellationToken: Ct);
        Assert.NotEqual("", first.NextPageToken);
        var refused = await Assert.ThrowsAsync<RpcException>(() => Plays.ListPlaysAsync(
            new() { Owner = owner, PageToken = first.NextPageToken }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    [Fact]
    public async Task AScoreDropFiresWhenTheAccountIsRescored()
    {
        const string owner = "plays-drop@example.com";
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("pd-slide", tier: CsTier.TechTouch, owner: owner) }, cancellationToken: Ct);
        await GivenContract("pd-slide", "2026-01-01", "2027-01-01", seats: 2);
        await GivenLogins("pd-slide", new(2026, 2, 6), new(2026, 3, 7), "ann", "bob");
        await AllStored("pd-slide");
        // Last week's snapshot, while both seats were in use.
        await Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-08") }, cancellationToken: Ct);

        await GivenContract("pd-slide", "2026-01-01", "2027-01-01", seats: 200); // now 1 % of the seats in use
        var plays = await PlaysOnce(owner, p => HasActive(p, PlayRuleKind.ScoreDrop));

        var drop = Active(plays, PlayRuleKind.ScoreDrop);
        var driver = Assert.Single(drop.Drivers);
        Assert.Equal(("score_change_7d", -15.0), (driver.Name, driver.Threshold));
        Assert.True(driver.Value <= -15, driver.Explanation);
        Assert.Equal((PlayChannel.Automated, Build.Date("2026-03-15")), (drop.Channel, drop.DueDate)); // tech-touch
        Assert.True(HasActive(plays, PlayRuleKind.LowSeatUtilisation));
    }

    [Fact]
    public async Task ARiskyRenewalFiresOnceItsPredictionIsThere()
    {
        const string owner = "plays-renewal@example.com";
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("pr-due", tier: CsTier.LowTouch, owner: owner) }, cancellationToken: Ct);
        await GivenContract("pr-due", "2025-05-01", "2026-05-01", seats: 4); // renews in 47 days; never used
        var renewals = new RenewalService.RenewalServiceClient(Service.Channel);
        for (var i = 0; i < 100; i++)
        {
            var page = await renewals.ListUpcomingRenewalsAsync(new() { Owner = owner }, cancellationToken: Ct);
            if (page.Predictions.Any(r => r.Risk >= RenewalRisk.High)) break;
            await Task.Delay(100, Ct);
        }

        await GivenTouchpoint("pr-due", "pr-call-1"); // rescored with the prediction in place
        var plays = await PlaysOnce(owner, p => HasActive(p, PlayRuleKind.RenewalRisk));

        var renewal = Active(plays, PlayRuleKind.RenewalRisk);
        Assert.Equal(PlayPriority.Urgent, renewal.Priority);
        Assert.Equal(Build.Date("2026-03-20"), renewal.DueDate); // low-touch: due in 5 days
        Assert.Equal(47, renewal.Drivers.Single(d => d.Name == "days_to_renewal").Value);
    }
}
