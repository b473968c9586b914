using System.Text.Json;
using System.Text.RegularExpressions;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Lab;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.Synthetic;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerHealth.Server.Tests.Health;

public sealed class SignalReadPathOnSqlite(SqliteTestDatabase database)
    : SignalReadPathTests<SqliteTestDatabase>(database);

public sealed class SignalReadPathOnPostgreSql(PostgreSqlTestDatabase database)
    : SignalReadPathTests<PostgreSqlTestDatabase>(database);

/// <summary>
/// The signals read through data readers (account days and onboarding plans, docs/adr/0081) are the signals EF Core
/// reads, on a generated portfolio with edge cases beside it: an account without usage, one without any contract or
/// plan, an override, a churned contract and key-feature days without events; as of one instant (the recompute's
/// batches) and as of many (renewal training's).
/// </summary>
public abstract class SignalReadPathTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Health:RecomputeInterval"] = "01:00:00",
        ["Health:DailyPass"] = "false",
    };

    [Fact]
    public async Task DataReadersReadTheSignalsEfCoreReads()
    {
        await GivenPortfolioWithEdgeCasesAsync();
        var ids = await Service.InDatabaseAsync(db => db.Accounts.Select(a => a.Id).ToListAsync(Ct));
        Assert.Equal(42, ids.Count);
        var direct = await ReadAsync(ids, directReads: true);
        var efCore = await ReadAsync(ids, directReads: false);

        Assert.Equal(efCore, direct);
        Assert.Contains(direct, s => s.Contains("\"IsFirstValue\":true", StringComparison.Ordinal));
        Assert.Contains(direct, s => s.Contains("\"ActiveUsers\":", StringComparison.Ordinal));
        Assert.Contains(direct, s => s.Contains("\"Onboarding\":null", StringComparison.Ordinal));
        Assert.Contains(direct, s => Regex.IsMatch(s, "\"Churns\":[1-9]"));
    }

    /// <summary>
    /// A batch read by account-id range (docs/adr/0069) gets the signals the same ids read by id get, on both read
    /// paths: batches cut from the database's own id order, and one whose range holds an account the batch leaves out
    /// (as when an account is added after the pass listed its ids), which is read but not returned.
    /// </summary>
    [Fact]
    public async Task RangeReadsReadTheSignalsIdReadsRead()
    {
        await GivenPortfolioWithEdgeCasesAsync();
        var ids = await Service.InDatabaseAsync(db => db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(Ct));
        string[][] batches = [.. ids.Chunk(16), [.. ids[5..15].Where((_, i) => i != 4)]];
        foreach (var directReads in new[] { true, false })
        {
            foreach (var batch in batches)
            {
                var byRange = await ReadNowAsync(batch, directReads, new AccountIdRange(batch[0], batch[^1]));
                Assert.Equal(await ReadNowAsync(batch, directReads, null), byRange);
                Assert.Equal(batch.Length, byRange.Length);
            }
        }
    }

    private async Task<string[]> ReadNowAsync(string[] ids, bool directReads, AccountIdRange? range)
    {
        await using var scope = Service.Services.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<SignalReader>();
        reader.DirectReads = directReads;
        var read = await reader.ReadAsync(ids, DefaultNow, usageHistoryDays: 90, Ct, range: range);
        return [.. read.Select(r => JsonSerializer.Serialize(r))];
    }

    /// <summary>40 generated accounts (seed 5, 75 days of activity, some renewals decided), an account with a contract
    /// and no usage, a bare account, an override and key-feature rows with zero events; once per database (the tests
    /// of a class share it and only read).</summary>
    private async Task GivenPortfolioWithEdgeCasesAsync()
    {
        if (await Service.InDatabaseAsync(db => db.Accounts.AnyAsync(Ct))) return;
        var options = new PortfolioOptions
        {
            Accounts = 40, Seed = 5, Today = DateOnly.FromDateTime(DefaultNow.UtcDateTime), ActivityDays = 75,
            AccountPrefix = "rp-",
        };
        var loader = PortfolioWriter(chunkSize: 10);
        await loader.WriteAsync(PortfolioGenerator.Generate(options), truth: null, Ct);
        await GivenCustomer("zz-no-usage", CsTier.HighTouch);
        await Accounts.UpsertAccountAsync(new() { Account = Build.Account("zz-bare") }, cancellationToken: Ct);
        var someone = (await Service.InDatabaseAsync(db => db.Accounts.OrderBy(a => a.Id).FirstAsync(Ct))).Id;
        await Health.SetHealthOverrideAsync(
            new()
            {
                AccountId = someone, Score = 70, Reason = "Sponsor confirmed",
                ExpireTime = Timestamp.FromDateTimeOffset(DefaultNow.AddDays(14)),
            },
            cancellationToken: Ct);
        string keyFeature;
        await using (var scope = Service.Services.CreateAsyncScope())
            keyFeature = (await scope.ServiceProvider.GetRequiredService<EventCatalogueStore>().GetAsync(Ct))
                .KeyFeatures.Order(StringComparer.Ordinal).First();
        await Service.InDatabaseAsync(async db =>
        {
            db.AccountFeatureDailyUsage.AddRange(
                new AccountFeatureDailyUsage { AccountId = someone, Day = new(2026, 3, 10), Feature = keyFeature },
                new AccountFeatureDailyUsage
                {
                    AccountId = "zz-no-usage", Day = new(2026, 3, 11), Feature = keyFeature,
                });
            return await db.SaveChangesAsync(Ct);
        });
    }

    /// <summary>Every account's signals as of now, then each as of its own instant over the past 40 days, as
    /// JSON.</summary>
    private async Task<string[]> ReadAsync(List<string> ids, bool directReads)
    {
        await using var scope = Service.Services.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<SignalReader>();
        reader.DirectReads = directReads;
        var now = await reader.ReadAsync(ids, DefaultNow, usageHistoryDays: 90, Ct);
        var requests = ids.Select((id, i) => new SignalRequest(id, DefaultNow.AddDays(-i).AddHours(-i))).ToArray();
        var many = await reader.ReadManyAsync(requests, usageHistoryDays: 60, Ct);
        return [.. now.Select(r => JsonSerializer.Serialize(r)), .. many.Select(r => JsonSerializer.Serialize(r))];
    }
}
