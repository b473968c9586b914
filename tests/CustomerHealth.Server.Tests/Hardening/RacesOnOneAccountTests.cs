using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using static CustomerHealth.Server.Tests.Engagement.Events;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace CustomerHealth.Server.Tests.Hardening;

public sealed class RacesOnOneAccountOnSqlite(SqliteTestDatabase database)
    : RacesOnOneAccountTests<SqliteTestDatabase>(database);

public sealed class RacesOnOneAccountOnPostgreSql(PostgreSqlTestDatabase database)
    : RacesOnOneAccountTests<PostgreSqlTestDatabase>(database);

/// <summary>
/// Calls about one account at once, as the fuzzer sends them: contracts upserted together on a new account (the
/// contract read, the account's contracts and the first plan raced: "Sequence contains no elements" once), and writes
/// and reads racing the account's deletion (GetRenewalPrediction read the contract, then missed its account, and so
/// did GetAccountOverview's prediction; CompleteMilestone wrote for an account gone meanwhile). Every call answers what
/// it would answer one after the other, or ABORTED; never INTERNAL.
/// </summary>
public abstract class RacesOnOneAccountTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const int Rounds = 4;
    private const int Racers = 8;

    private AccountService.AccountServiceClient Accounts => new(Service.Channel);
    private EngagementService.EngagementServiceClient Engagement => new(Service.Channel);
    private HealthService.HealthServiceClient Health => new(Service.Channel);
    private OnboardingService.OnboardingServiceClient Onboarding => new(Service.Channel);
    private RenewalService.RenewalServiceClient Renewals => new(Service.Channel);

    [Fact]
    public async Task ContractsUpsertedAtOnceOnANewAccountAllLandWithOnePlan()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var id = $"together-{round}";
            await Accounts.UpsertAccountAsync(new() { Account = Build.Account(id) }, cancellationToken: Ct);

            // Eight different contracts and eight copies of one more (a client racing its own retries), all at once.
            var calls = Enumerable.Range(0, Racers).SelectMany(n => new[] { $"{id}-c{n}", $"{id}-same" })
                .Select(contract => CodeOf(() => Accounts.UpsertContractAsync(
                    new() { Contract = Build.Contract(contract, id) }, cancellationToken: Ct).ResponseAsync));
            var codes = await Task.WhenAll(calls);

            Assert.All(codes, code => Assert.Equal(StatusCode.OK, code));
            var stored = await Accounts.ListContractsAsync(new() { AccountId = id, PageSize = 100 },
                cancellationToken: Ct);
            Assert.Equal(Racers + 1, stored.Contracts.Count);
            var plan = await Onboarding.GetOnboardingPlanAsync(new() { AccountId = id }, cancellationToken: Ct);
            Assert.Equal(id, plan.Plan.AccountId);
        }
    }

    [Fact]
    public async Task CallsRacingTheDeletionOfTheirAccountAnswerDeliberately()
    {
        var allowed = new[] { StatusCode.OK, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.Aborted };
        for (var round = 0; round < Rounds; round++)
        {
            var id = $"doomed-{round}";
            await Accounts.UpsertAccountAsync(new() { Account = Build.Account(id, tier: CsTier.HighTouch) },
                cancellationToken: Ct);
            await Accounts.UpsertContractAsync(new() { Contract = Build.Contract($"{id}-c", id) },
                cancellationToken: Ct);
            await Engagement.IngestEventsAsync(
                Batch(Event($"{id}-ann", id, "ann", "login", at: "2026-03-10T09:00:00Z")), cancellationToken: Ct);

            var calls = Enumerable.Range(0, Racers / 2).SelectMany(n => Racing(id, n)).Select(CodeOf).ToList();
            calls.Insert(calls.Count / 2, CodeOf(() => Accounts.DeleteAccountAsync(new() { AccountId = id },
                cancellationToken: Ct).ResponseAsync));
            var codes = await Task.WhenAll(calls);

            Assert.All(codes, code => Assert.Contains(code, allowed));
        }
    }

    /// <summary>The calls racing a deletion: writes and reads of the account, its contract and its scores.</summary>
    private IEnumerable<Func<Task>> Racing(string id, int n) =>
    [
        () => Accounts.UpsertContractAsync(new() { Contract = Build.Contract($"{id}-c", id) },
            cancellationToken: Ct).ResponseAsync,
        () => Accounts.UpsertContractAsync(new() { Contract = Build.Contract($"{id}-c{n}", id) },
            cancellationToken: Ct).ResponseAsync,
        () => Accounts.RecordRenewalOutcomeAsync(new()
        {
            ContractId = $"{id}-c", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(30_000m),
        }, cancellationToken: Ct).ResponseAsync,
        () => Renewals.GetRenewalPredictionAsync(new() { ContractId = $"{id}-c" }, cancellationToken: Ct)
            .ResponseAsync,
        () => Renewals.GetRenewalPredictionAsync(new() { AccountId = id }, cancellationToken: Ct).ResponseAsync,
        () => Accounts.GetAccountOverviewAsync(new() { AccountId = id }, cancellationToken: Ct).ResponseAsync,
        () => Health.SetHealthOverrideAsync(new()
        {
            AccountId = id, Score = 50, Reason = "Escalation in progress", SetBy = "csm.alice@example.com",
            ExpireTime = Timestamp.FromDateTimeOffset(DefaultNow.AddDays(7)),
        }, cancellationToken: Ct).ResponseAsync,
        () => Onboarding.CompleteMilestoneAsync(new()
        {
            AccountId = id, MilestoneKey = "kickoff", CompletedBy = "csm.alice@example.com",
        }, cancellationToken: Ct).ResponseAsync,
        () => Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-10") },
            cancellationToken: Ct).ResponseAsync,
        () => Engagement.DeletePersonDataAsync(new() { UserId = "ann", AccountId = id }, cancellationToken: Ct)
            .ResponseAsync,
        () => Engagement.RebuildRollupsAsync(new()
        {
            AccountId = id, StartDate = Build.Date("2026-03-01"), EndDate = Build.Date("2026-03-14"),
        }, cancellationToken: Ct).ResponseAsync,
    ];

    private static async Task<StatusCode> CodeOf(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
