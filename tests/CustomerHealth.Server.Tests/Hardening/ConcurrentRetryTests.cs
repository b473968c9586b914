using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Engagement;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace CustomerHealth.Server.Tests.Hardening;

public sealed class ConcurrentRetriesOnSqlite(SqliteTestDatabase database)
    : ConcurrentRetryTests<SqliteTestDatabase>(database);

public sealed class ConcurrentRetriesOnPostgreSql(PostgreSqlTestDatabase database)
    : ConcurrentRetryTests<PostgreSqlTestDatabase>(database);

/// <summary>
/// A client racing its own retries: eight identical calls of a write RPC at once all answer like one call would
/// (never INTERNAL), because every write is idempotent. The only other answers are the ones a repeated call gets one
/// after the other too (clearing an override twice, training without enough outcomes).
/// </summary>
public abstract class ConcurrentRetryTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const int Racers = 8;

    private AccountService.AccountServiceClient Accounts => new(Service.Channel);
    private EngagementService.EngagementServiceClient Engagement => new(Service.Channel);
    private HealthService.HealthServiceClient Health => new(Service.Channel);
    private OnboardingService.OnboardingServiceClient Onboarding => new(Service.Channel);
    private RenewalService.RenewalServiceClient Renewals => new(Service.Channel);

    public static TheoryData<string> WriteRpcs => new(Scenarios.Keys);

    [Theory]
    [MemberData(nameof(WriteRpcs))]
    public async Task EightIdenticalCallsAtOnceAnswerLikeOne(string rpc)
    {
        var (setup, call, alsoAllowed) = Scenarios[rpc];
        var id = $"race-{rpc.ToLowerInvariant()}";
        await Accounts.UpsertAccountAsync(new() { Account = Build.Account(id, tier: CsTier.HighTouch) },
            cancellationToken: Ct);
        await Accounts.UpsertContractAsync(new() { Contract = Build.Contract($"{id}-2026", id) },
            cancellationToken: Ct);
        if (setup is not null) await setup(this, id);

        var codes = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => CodeOf(() => call(this, id))));

        Assert.All(codes, code => Assert.True(code == StatusCode.OK || alsoAllowed.Contains(code), $"{rpc}: {code}"));
    }

    private sealed record Scenario(Func<ConcurrentRetryTests<TDatabase>, string, Task>? Setup,
        Func<ConcurrentRetryTests<TDatabase>, string, Task> Call, params StatusCode[] AlsoAllowed);

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["UpsertAccount"] = new(null, (t, id) => t.Accounts.UpsertAccountAsync(
            new() { Account = Build.Account(id, tier: CsTier.HighTouch) }, cancellationToken: Ct).ResponseAsync),
        ["DeleteAccount"] = new(null, (t, id) => t.Accounts.DeleteAccountAsync(
            new() { AccountId = id, AllowMissing = true }, cancellationToken: Ct).ResponseAsync),
        ["UpsertContract"] = new(null, (t, id) => t.Accounts.UpsertContractAsync(
            new() { Contract = Build.Contract($"{id}-new", id, start: "2026-02-01", end: "2027-02-01") },
                cancellationToken: Ct).ResponseAsync),
        ["RecordRenewalOutcome"] = new(null, (t, id) => t.Accounts.RecordRenewalOutcomeAsync(
            new() { ContractId = $"{id}-2026", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(30_000m) },
                cancellationToken: Ct).ResponseAsync),
        ["IngestEvents"] = new(null, (t, id) => t.Engagement.IngestEventsAsync(Events.Batch(Events.Event($"{id}-e1",
            id)), cancellationToken: Ct).ResponseAsync),
        ["StreamEvents"] = new(null, (t, id) => t.StreamOneBatch(id)),
        ["UpdateEventCatalogue"] = new(null, (t, id) => t.Engagement.UpdateEventCatalogueAsync(new()
        {
            Catalogue = new EventCatalogue { Events = { new CatalogueEvent { EventName = "login", Active = true } } },
            UpdatedBy = "ops@example.com",
        }, cancellationToken: Ct).ResponseAsync),
        ["RebuildRollups"] = new(null, (t, id) => t.Engagement.RebuildRollupsAsync(
            new() { AccountId = id, StartDate = Build.Date("2026-03-01"), EndDate = Build.Date("2026-03-14") },
                cancellationToken: Ct).ResponseAsync),
        ["DeletePersonData"] = new(null, (t, id) => t.Engagement.DeletePersonDataAsync(
            new() { UserId = "u1", AccountId = id }, cancellationToken: Ct).ResponseAsync),
        ["RecordNpsResponse"] = new(null, (t, id) =>
            t.Engagement.RecordNpsResponseAsync(new() { Response = BuildSignal.Nps($"{id}-nps", id) },
                cancellationToken: Ct).ResponseAsync),
        ["UpsertSupportTicket"] = new(null, (t, id) =>
            t.Engagement.UpsertSupportTicketAsync(new() { Ticket = BuildSignal.Ticket($"{id}-t", id) },
                cancellationToken: Ct).ResponseAsync),
        ["RecordTouchpoint"] = new(null, (t, id) =>
            t.Engagement.RecordTouchpointAsync(new() { Touchpoint = BuildSignal.Touchpoint($"{id}-tp", id) },
                cancellationToken: Ct).ResponseAsync),
        ["ReplaceScorecard"] = new(null, async (t, id) =>
        {
            var scorecard = (await t.Health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard;
            await t.Health.ReplaceScorecardAsync(new() { Scorecard = scorecard, UpdatedBy = "ops@example.com" },
                cancellationToken: Ct);
        }),
        ["SetHealthOverride"] = new(null, (t, id) => t.Health.SetHealthOverrideAsync(Override(id),
            cancellationToken: Ct).ResponseAsync),
        ["ClearHealthOverride"] = new(
            (t, id) => t.Health.SetHealthOverrideAsync(Override(id), cancellationToken: Ct).ResponseAsync,
            (t, id) => t.Health.ClearHealthOverrideAsync(new() { AccountId = id, ClearedBy = "ops@example.com" },
                cancellationToken: Ct).ResponseAsync,
            StatusCode.FailedPrecondition), // the override is gone: cleared by the first call, as one after the other
        ["RecomputeHealthScores"] = new(null, (t, id) =>
            t.Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-15") },
                cancellationToken: Ct).ResponseAsync),
        // A past day: only that day's snapshots are written, which identical calls both found missing and inserted.
        ["RecomputeHealthScoresOfAPastDay"] = new(null, (t, id) =>
            t.Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-10") },
                cancellationToken: Ct).ResponseAsync),
        ["CreateOnboardingPlan"] = new(null, (t, id) => t.Onboarding.CreateOnboardingPlanAsync(
            new() { AccountId = id, StartDate = Build.Date("2026-01-01"), ReplaceExisting = true },
                cancellationToken: Ct).ResponseAsync),
        ["CompleteMilestone"] = new(null, (t, id) => t.Onboarding.CompleteMilestoneAsync(
            new() { AccountId = id, MilestoneKey = "kickoff", CompletedBy = "csm.alice@example.com" },
                cancellationToken: Ct).ResponseAsync),
        ["ReplacePlanTemplate"] = new(null, (t, id) => t.Onboarding.ReplacePlanTemplateAsync(new()
        {
            CsTier = CsTier.LowTouch,
            UpdatedBy = "ops@example.com",
            Milestones = { new MilestoneTemplate { Key = "kickoff", Title = "Kickoff", DueDay = 7,
                Rule = new() { Kind = MilestoneRuleKind.Manual } } },
        }, cancellationToken: Ct).ResponseAsync),
        ["TrainRenewalModel"] = new(null, (t, id) => t.Renewals.TrainRenewalModelAsync(new(),
            cancellationToken: Ct).ResponseAsync,
            StatusCode.FailedPrecondition), // too few outcomes to train on, as for a single call
        ["ServeRenewalModel"] = new(null, (t, id) => t.Renewals.ServeRenewalModelAsync(new() { Version = 0 },
            cancellationToken: Ct).ResponseAsync), // the heuristic: every call serves it
    };

    private static SetHealthOverrideRequest Override(string id) => new()
    {
        AccountId = id,
        Score = 50,
        Reason = "Escalation in progress",
        SetBy = "csm.alice@example.com",
        ExpireTime = Timestamp.FromDateTimeOffset(DefaultNow.AddDays(7)),
    };

    private async Task StreamOneBatch(string id)
    {
        using var call = Engagement.StreamEvents(cancellationToken: Ct);
        var batch = new StreamEventsRequest { Source = "race", BatchSequence = 1 };
        batch.Events.Add(Events.Event($"{id}-s1", id));
        await call.RequestStream.WriteAsync(batch, Ct);
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(Ct)) { }
    }

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
