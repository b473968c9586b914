using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Model = CustomerHealth.Domain.Health;

namespace CustomerHealth.Server.Tests.Health;

public sealed class HealthChangeFeedOnSqlite(SqliteTestDatabase database)
    : HealthChangeFeedTests<SqliteTestDatabase>(database);

public sealed class HealthChangeFeedOnPostgreSql(PostgreSqlTestDatabase database)
    : HealthChangeFeedTests<PostgreSqlTestDatabase>(database);

public sealed class HealthChangeFeedOnSqlServer(SqlServerTestDatabase database)
    : HealthChangeFeedTests<SqlServerTestDatabase>(database);

/// <summary>
/// The change feed for polling bots and streaming dashboards, and the order by change. Each test has its own owner.
/// </summary>
public abstract class HealthChangeFeedTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    /// <summary>
    /// The whole feed of <paramref name="owner"/>'s accounts, once the worker has scored every mark of <paramref
    /// name="accounts"/>.
    /// </summary>
    private async Task<IReadOnlyList<HealthChange>> FeedOnceScored(string owner, params string[] accounts)
    {
        foreach (var account in accounts) await Rescored(account);
        return (await Health.ListHealthChangesAsync(new() { Owner = owner, PageSize = 1000 }, cancellationToken: Ct))
            .Changes;
    }

    /// <summary>Waits until the worker has taken every recompute mark of the account.</summary>
    private async Task Rescored(string account)
    {
        for (var i = 0; i < 100; i++)
        {
            if (!await Service.InDatabaseAsync(
                db => Task.FromResult(db.HealthRecomputeQueue.Any(q => q.AccountId == account)))) return;
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"{account} was never rescored.");
    }

    [Fact]
    public async Task ChangesComeInSequenceOrderAndResumeAfterACursor()
    {
        const string owner = "feed-order";
        await GivenCustomer("fo-a", CsTier.TechTouch, owner: owner);
        await GivenCustomer("fo-b", CsTier.LowTouch, owner: owner);
        await GivenCustomer("fo-c", CsTier.HighTouch, owner: owner);
        var all = await FeedOnceScored(owner, "fo-a", "fo-b", "fo-c");

        Assert.Equal(["fo-a", "fo-b", "fo-c"], all.Select(c => c.AccountId).Distinct().Order());
        Assert.Equal(all.Select(c => c.Sequence).Order(), all.Select(c => c.Sequence));
        Assert.Equal(all.Count, all.Select(c => c.Sequence).Distinct().Count());
        foreach (var entries in all.GroupBy(c => c.AccountId))
        {
            Assert.Equal(HealthChangeReason.FirstScore, entries.First().Reason);
            Assert.Equal(HealthBand.Unspecified, entries.First().PreviousBand);
            Assert.All(entries.Skip(1), c => Assert.NotEqual(HealthChangeReason.FirstScore, c.Reason));
        }

        var paged = new List<HealthChange>();
        long cursor = 0;
        while (true)
        {
            var page = await Health.ListHealthChangesAsync(
                new() { Owner = owner, PageSize = 2, AfterSequence = cursor }, cancellationToken: Ct);
            if (page.Changes.Count == 0)
            {
                // A bot polling with its latest cursor gets nothing, and keeps its cursor.
                Assert.Equal(cursor, page.NextSequence);
                break;
            }
            Assert.True(page.Changes.Count <= 2);
            Assert.Equal(page.Changes[^1].Sequence, page.NextSequence);
            paged.AddRange(page.Changes);
            cursor = page.NextSequence;
        }
        Assert.Equal(all, paged);

        var resumed = await Health.ListHealthChangesAsync(
            new() { Owner = owner, AfterSequence = all[0].Sequence }, cancellationToken: Ct);
        Assert.Equal(all.Skip(1), resumed.Changes);

        var highTouch = await Health.ListHealthChangesAsync(
            new() { Owner = owner, CsTier = CsTier.HighTouch }, cancellationToken: Ct);
        Assert.NotEmpty(highTouch.Changes);
        Assert.All(highTouch.Changes, c => Assert.Equal("fo-c", c.AccountId));

        await RejectsField(
            "after_sequence", () => Health.ListHealthChangesAsync(new() { AfterSequence = -1 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "page_size", () => Health.ListHealthChangesAsync(new() { PageSize = 1001 }, cancellationToken: Ct)
            .ResponseAsync);
    }

    [Fact]
    public async Task TheWatchStreamReceivesABandChangeMadeByAnotherCallAndEndsWhenTheClientCancels()
    {
        const string owner = "feed-watch";
        await GivenCustomer("fw", CsTier.TechTouch, seats: 3, owner: owner);
        var existing = await FeedOnceScored(owner, "fw");
        var lastEntry = existing[^1];
        Assert.Equal(HealthBand.Critical, lastEntry.Band); // a contract since January and no use at all

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var watch = Health.WatchHealthChanges(new() { Owner = owner }, cancellationToken: cancel.Token);
        // It first sends what is already there...
        foreach (var entry in existing)
        {
            Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
            Assert.Equal(entry, watch.ResponseStream.Current.Change);
        }

        // ...then what another call causes.
        await GivenDailyLogins("fw", 30, "ann", "bob", "cy");
        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
        var moved = watch.ResponseStream.Current.Change;
        Assert.Equal("fw", moved.AccountId);
        Assert.Equal(HealthChangeReason.BandChanged, moved.Reason);
        Assert.Equal(HealthBand.Critical, moved.PreviousBand);
        Assert.Equal(lastEntry.Score, moved.PreviousScore);
        Assert.Equal(HealthBand.Healthy, moved.Band);
        Assert.True(moved.Sequence > lastEntry.Sequence);

        await cancel.CancelAsync();
        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
    }

    [Fact]
    public async Task AQuietWatchStartsAtOnceAndEndsCancelledWhenItsCallerLeaves()
    {
        const string owner = "feed-quiet"; // no account: nothing will ever match

        // The call has started before any change: the headers come when the watch begins, not with a first change.
        // Before, a quiet watch ended (on its deadline, under load) while the caller still waited for the call to
        // start, and the in-memory client reported the stream's reset as INTERNAL ("Error starting gRPC call").
        using var watch = Health.WatchHealthChanges(new() { Owner = owner }, deadline: DateTime.UtcNow.AddSeconds(30),
            cancellationToken: Ct);
        await watch.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        leave.CancelAfter(TimeSpan.FromMilliseconds(300));
        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(leave.Token));
        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
    }

    [Fact]
    public async Task TheWatchStreamEndsCleanlyWhenTheServerShutsDown()
    {
        const string owner = "feed-shutdown";
        await GivenCustomer("fs", CsTier.TechTouch, owner: owner);
        var existing = await FeedOnceScored(owner, "fs");
        using var watch = Health.WatchHealthChanges(
            new() { Owner = owner, AfterSequence = existing[^1].Sequence - 1 }, cancellationToken: Ct);
        Assert.True(await watch.ResponseStream.MoveNext(Ct)); // the stream is live, then caught up and polling
        var next = watch.ResponseStream.MoveNext(Ct);

        Service.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        Assert.False(await next.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(StatusCode.OK, watch.GetStatus().StatusCode);
    }

    [Fact]
    public async Task AnAccountsNextEntryIsComparedWithItsLastEntryNotWithYesterday()
    {
        const string owner = "feed-drift";
        await GivenCustomer("fd", CsTier.TechTouch, seats: 3, owner: owner);
        var first = (await FeedOnceScored(owner, "fd"))[^1];

        // Rescoring without a real change adds nothing.
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("fd", tier: CsTier.TechTouch, owner: owner, name: "FD renamed") },
            cancellationToken: Ct);
        await Rescored("fd");
        var after = await Health.ListHealthChangesAsync(
            new() { Owner = owner, AfterSequence = first.Sequence }, cancellationToken: Ct);
        Assert.Empty(after.Changes);
    }

    [Fact]
    public async Task ListOrderedByChangePutsTheLargestSevenDayDropFirst()
    {
        const string owner = "feed-change";
        await GivenCustomer("fc-steady", CsTier.TechTouch, owner: owner);
        await GivenCustomer("fc-falling", CsTier.TechTouch, owner: owner);
        await GivenCustomer("fc-new", CsTier.TechTouch, owner: owner);
        await AllStored("fc-steady", "fc-falling", "fc-new");
        // Yesterday-week's snapshots: the same signals today, so the one that stood higher then fell further.
        var weekAgo = new DateOnly(2026, 3, 8);
        await Service.InDatabaseAsync(async db =>
        {
            db.HealthSnapshots.Add(
                new CustomerHealth.Infrastructure.Health.HealthSnapshotRow
                {
                    AccountId = "fc-steady", Day = weekAgo,
                    Score = 20, Band = Model.HealthBand.Critical, DetailJson = "{}"
                });
            db.HealthSnapshots.Add(
                new CustomerHealth.Infrastructure.Health.HealthSnapshotRow
                {
                    AccountId = "fc-falling", Day = weekAgo,
                    Score = 90, Band = Model.HealthBand.Healthy, DetailJson = "{}"
                });
            return await db.SaveChangesAsync(Ct);
        });
        foreach (var id in new[] { "fc-steady", "fc-falling", "fc-new" })
            await Accounts.UpsertAccountAsync(
                new() { Account = Build.Account(id, tier: CsTier.TechTouch, owner: owner, name: $"{id} again") },
                cancellationToken: Ct);
        await Eventually("fc-steady", s => s.Trend.HasChange7D);
        await Eventually("fc-falling", s => s.Trend.HasChange7D);
        await Rescored("fc-new");

        var ordered = new List<HealthScore>();
        var token = "";
        do
        {
            var page = await Health.ListHealthScoresAsync(
                new() { Owner = owner, OrderBy = HealthScoreOrder.Change7D, PageSize = 1, PageToken = token },
                cancellationToken: Ct);
            ordered.AddRange(page.Scores);
            token = page.NextPageToken;
        }
        while (token != "");

        Assert.Equal(["fc-falling", "fc-steady", "fc-new"], ordered.Select(s => s.AccountId));
        Assert.True(ordered[0].Trend.Change7D < ordered[1].Trend.Change7D);
        Assert.False(ordered[2].Trend.HasChange7D);
    }
}
