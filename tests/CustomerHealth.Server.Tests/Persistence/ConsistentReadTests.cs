using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Engagement;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Microsoft.EntityFrameworkCore;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Persistence;

public sealed class ConsistentReadsOnSqlite(SqliteTestDatabase database)
    : ConsistentReadTests<SqliteTestDatabase>(database);

public sealed class ConsistentReadsOnPostgreSql(PostgreSqlTestDatabase database)
    : ConsistentReadTests<PostgreSqlTestDatabase>(database);

// No SQL Server class: there the reads go statement by statement (ConsistentReads.InOneSnapshotAsync says why).

/// <summary>
/// A health score is read from several queries (daily rollups, active-day blocks, contracts, ...): they must all see
/// one committed state, or a batch of events committed between two of them is half seen.
/// </summary>
public abstract class ConsistentReadTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task QueriesInOneSnapshotDoNotSeeABatchCommittedBetweenThem()
    {
        var accounts = new AccountService.AccountServiceClient(Service.Channel);
        var engagement = new EngagementService.EngagementServiceClient(Service.Channel);
        await accounts.UpsertAccountAsync(new() { Account = Build.Account("snap") }, cancellationToken: Ct);
        await engagement.IngestEventsAsync(Batch(Event("snap-1", "snap")), cancellationToken: Ct);

        var (daysBefore, blocksBefore, daysAfter, blocksAfter) = await Service.InDatabaseAsync(
            db => db.InOneSnapshotAsync(async () =>
        {
            var days = await db.AccountDailyUsage.AsNoTracking().Where(d => d.AccountId == "snap")
                .SumAsync(d => d.Events, Ct);
            // A batch of another user's events commits here, between the two reads of the snapshot.
            var answer = await engagement.IngestEventsAsync(
                Batch(Event("snap-2", "snap", "u2"), Event("snap-3", "snap", "u3")), cancellationToken: Ct);
            Assert.Equal(2, answer.Result.Accepted);
            var blocks = await db.UserActiveDays.AsNoTracking().CountAsync(b => b.AccountId == "snap", Ct);
            var daysAgain = await db.AccountDailyUsage.AsNoTracking().Where(d => d.AccountId == "snap")
                .SumAsync(d => d.Events, Ct);
            return (days, blocks, daysAgain, await db.UserActiveDays.AsNoTracking()
                .CountAsync(b => b.AccountId == "snap", Ct));
        }, Ct));

        Assert.Equal((1L, 1, 1L, 1), (daysBefore, blocksBefore, daysAfter, blocksAfter));
        // Outside the snapshot the batch is there.
        Assert.Equal(
            3L,
            await Service.InDatabaseAsync(
                db => db.AccountDailyUsage.Where(d => d.AccountId == "snap").SumAsync(d => d.Events, Ct)));
        Assert.Equal(
            3, await Service.InDatabaseAsync(db => db.UserActiveDays.CountAsync(b => b.AccountId == "snap", Ct)));
    }
}
