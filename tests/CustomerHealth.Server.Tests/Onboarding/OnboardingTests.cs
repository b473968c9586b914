using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Onboarding;

public sealed class OnboardingOnSqlite(SqliteTestDatabase database) : OnboardingTests<SqliteTestDatabase>(database);

public sealed class OnboardingOnPostgreSql(PostgreSqlTestDatabase database)
    : OnboardingTests<PostgreSqlTestDatabase>(database);

public sealed class OnboardingOnSqlServer(SqlServerTestDatabase database)
    : OnboardingTests<SqlServerTestDatabase>(database);

/// <summary>Clients and givens shared by the onboarding test classes. The test clock starts 2026-03-15 10:30
/// UTC.</summary>
public abstract class OnboardingScenario<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    protected OnboardingService.OnboardingServiceClient Onboarding => new(Service.Channel);
    protected AccountService.AccountServiceClient Accounts => new(Service.Channel);
    protected EngagementService.EngagementServiceClient Engagement => new(Service.Channel);

    /// <summary>An account with one contract (which creates its plan).</summary>
    protected async Task GivenCustomer(
        string id, CsTier tier, string start = "2026-03-01", int seats = 4, string owner = "csm.alice@example.com")
    {
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account(id, tier: tier, owner: owner) }, cancellationToken: Ct);
        var end = DateOnly.ParseExact(start, "yyyy-MM-dd").AddYears(1).ToString("yyyy-MM-dd");
        await Accounts.UpsertContractAsync(
            new() { Contract = Build.Contract($"{id}-c1", id, seats: seats, start: start, end: end) },
            cancellationToken: Ct);
    }

    protected async Task<OnboardingPlan> Plan(string account) =>
        (await Onboarding.GetOnboardingPlanAsync(new() { AccountId = account }, cancellationToken: Ct)).Plan;

    protected static PlanMilestone Milestone(OnboardingPlan plan, string key) =>
        plan.Milestones.Single(m => m.Key == key);

    /// <summary>Polls the plan until <paramref name="done"/> holds: the worker completes milestones in the
    /// background.</summary>
    protected async Task<OnboardingPlan> Eventually(string account, Func<OnboardingPlan, bool> done)
    {
        for (var i = 0; i < 100; i++)
        {
            var plan = await Plan(account);
            if (done(plan)) return plan;
            await Task.Delay(100, Ct);
        }
        return await Plan(account);
    }
}

/// <summary>90-day onboarding plans through real gRPC calls, on each database engine. The test clock starts 2026-03-15
/// 10:30 UTC.
/// Template changes live in <see cref="PlanTemplateTests{TDatabase}"/>, on a database of their own, so that these tests
/// see the built-in templates whatever their order.</summary>
public abstract class OnboardingTests<TDatabase>(TDatabase database) : OnboardingScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Theory]
    [InlineData(
        CsTier.HighTouch,
        new[] { "kickoff", "integration_live", "first_value", "training_done", "half_seats_active", "day_90_review" })]
    [InlineData(
        CsTier.LowTouch,
        new[] { "kickoff", "first_value", "key_feature_adopted", "half_seats_active", "day_90_review" })]
    [InlineData(
        CsTier.TechTouch, new[] { "first_active_user", "first_value", "key_feature_adopted", "half_seats_active" })]
    public async Task TheFirstContractCreatesAPlanFromItsTiersTemplate(CsTier tier, string[] keys)
    {
        var id = $"new-{tier}";
        await GivenCustomer(id, tier, start: "2026-03-02");

        var plan = await Plan(id);

        Assert.Equal(tier, plan.CsTier);
        Assert.Equal(1, plan.TemplateVersion);
        Assert.Equal(Build.Date("2026-03-02"), plan.StartDate);
        Assert.Equal(keys, plan.Milestones.Select(m => m.Key));
        var firstValue = Milestone(plan, "first_value");
        Assert.Equal(MilestoneRuleKind.FirstValue, firstValue.Rule.Kind);
        Assert.Equal(
            Build.Date(new DateOnly(2026, 3, 2).AddDays(firstValue.DueDay).ToString("yyyy-MM-dd")), firstValue.DueDate);
        Assert.All(plan.Milestones, m => Assert.NotEqual(MilestoneStatus.Done, m.Status));
        Assert.Equal(13, plan.DaysSinceStart);
        Assert.False(plan.HasTimeToValueDays);
    }

    [Fact]
    public async Task IngestedEventsCompleteTheAutomaticMilestonesByThemselvesAndSetTheTimeToValue()
    {
        await Engagement.UpdateEventCatalogueAsync(new()
        {
            Catalogue = new EventCatalogue
            {
                Events = { new CatalogueEvent { EventName = "report_created",
                FirstValue = true, KeyFeature = true, Active = true },
                new CatalogueEvent { EventName = "login", Active = true } }
            },
            UpdatedBy = "ops",
        }, cancellationToken: Ct);
        await GivenCustomer("auto", CsTier.TechTouch, start: "2026-03-01", seats: 4);

        await Engagement.IngestEventsAsync(Batch(
            Event("a1", "auto", "ann", "login", at: "2026-03-02T09:00:00Z"),
            Event("a2", "auto", "ann", "report_created", at: "2026-03-06T11:00:00Z"),
            Event("a3", "auto", "bob", "login", at: "2026-03-08T09:00:00Z")), cancellationToken: Ct);

        var plan = await Eventually("auto", p => Milestone(p, "half_seats_active").Status == MilestoneStatus.Done);
        Assert.Equal(MilestoneStatus.Done, Milestone(plan, "first_active_user").Status);
        Assert.Equal(MilestoneStatus.Done, Milestone(plan, "first_value").Status);
        Assert.Equal(CompletionMethod.Rule, Milestone(plan, "first_value").CompletionMethod);
        Assert.Equal(
            new DateTime(2026, 3, 6, 11, 0, 0, DateTimeKind.Utc), Milestone(plan, "first_value")
            .CompleteTime.ToDateTime());
        Assert.Equal(MilestoneStatus.Done, Milestone(plan, "key_feature_adopted").Status);
        // 2 of 4 seats
        Assert.Equal(
            new DateTime(2026, 3, 8, 0, 0, 0, DateTimeKind.Utc), Milestone(plan, "half_seats_active")
            .CompleteTime.ToDateTime());
        Assert.Equal(5, plan.TimeToValueDays);
        Assert.Equal(PlanStatus.Complete, plan.Status);
    }

    [Fact]
    public async Task ALateEventMovesARuleCompletionAndTheTimeToValueEarlier()
    {
        await Engagement.UpdateEventCatalogueAsync(new()
        {
            Catalogue = new EventCatalogue
            {
                Events = { new CatalogueEvent { EventName = "report_created",
                FirstValue = true, Active = true }, new CatalogueEvent { EventName = "login", Active = true } }
            },
            UpdatedBy = "ops",
        }, cancellationToken: Ct);
        await GivenCustomer("late", CsTier.TechTouch, start: "2026-03-01", seats: 4);
        await Engagement.IngestEventsAsync(
            Batch(Event("l1", "late", "ann", "report_created", at: "2026-03-10T11:00:00Z")), cancellationToken: Ct);
        await Eventually("late", p => Milestone(p, "first_value").Status == MilestoneStatus.Done);

        // The analytics pipeline delivers an older event of another user afterwards.
        await Engagement.IngestEventsAsync(
            Batch(Event("l0", "late", "bob", "report_created", at: "2026-03-04T15:30:00Z")), cancellationToken: Ct);

        var plan = await Eventually(
            "late", p => Milestone(p, "first_value")
            .CompleteTime.ToDateTime() == new DateTime(2026, 3, 4, 15, 30, 0, DateTimeKind.Utc));
        Assert.Equal(3, plan.TimeToValueDays);
        Assert.Equal(CompletionMethod.Rule, Milestone(plan, "first_value").CompletionMethod);
        Assert.Equal(
            new DateTime(2026, 3, 4, 0, 0, 0, DateTimeKind.Utc), Milestone(plan, "first_active_user")
            .CompleteTime.ToDateTime());
    }

    [Fact]
    public async Task AMilestoneIsOverdueFromTheUtcDayAfterItsDueDate()
    {
        await GivenCustomer("due", CsTier.HighTouch, start: "2026-03-01"); // kickoff due day 7: 2026-03-08

        Clock.Set(new DateTimeOffset(2026, 3, 8, 23, 59, 59, TimeSpan.Zero));
        var onTheDay = await Plan("due");
        Clock.Set(new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero));
        var dayAfter = await Plan("due");

        Assert.Equal(Build.Date("2026-03-08"), Milestone(onTheDay, "kickoff").DueDate);
        Assert.Equal(MilestoneStatus.Pending, Milestone(onTheDay, "kickoff").Status);
        Assert.Equal(PlanStatus.OnTrack, onTheDay.Status);
        Assert.Equal(MilestoneStatus.Overdue, Milestone(dayAfter, "kickoff").Status);
        Assert.Equal(PlanStatus.AtRisk, dayAfter.Status);

        // kickoff, integration and first value overdue
        Clock.Set(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(PlanStatus.Behind, (await Plan("due")).Status);
    }

    [Fact]
    public async Task CompletingAMilestoneIsIdempotent()
    {
        await GivenCustomer("manual", CsTier.HighTouch);

        var first = await Onboarding.CompleteMilestoneAsync(
            new()
            {
                AccountId = "manual", MilestoneKey = "kickoff", CompletedBy = "csm.alice@example.com",
                Note = "Great call"
            }, cancellationToken: Ct);
        Clock.Advance(TimeSpan.FromHours(3));
        var again = await Onboarding.CompleteMilestoneAsync(
            new() { AccountId = "manual", MilestoneKey = "kickoff", CompletedBy = "someone.else@example.com" },
            cancellationToken: Ct);

        Assert.True(first.Changed);
        Assert.False(again.Changed);
        var kickoff = Milestone(again.Plan, "kickoff");
        Assert.Equal(MilestoneStatus.Done, kickoff.Status);
        Assert.Equal(CompletionMethod.Manual, kickoff.CompletionMethod);
        Assert.Equal(TestCredentials.Subject, kickoff.CompletedBy); // the authenticated caller
        Assert.Equal("Great call", kickoff.Note);
        Assert.Equal(IntegrationTest<TDatabase>.DefaultNow, kickoff.CompleteTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task BadCompletionsAreRejected()
    {
        await GivenCustomer("strict-plan", CsTier.HighTouch, start: "2026-03-01");
        await Accounts.UpsertAccountAsync(new() { Account = Build.Account("no-plan") }, cancellationToken: Ct);

        await FailsWith(
            StatusCode.NotFound,
            () => Onboarding.CompleteMilestoneAsync(
                new() { AccountId = "strict-plan", MilestoneKey = "no_such_step", CompletedBy = "x" },
                cancellationToken: Ct).ResponseAsync);
        await FailsWith(
            StatusCode.NotFound,
            () => Onboarding.CompleteMilestoneAsync(
                new() { AccountId = "no-plan", MilestoneKey = "kickoff", CompletedBy = "x" }, cancellationToken: Ct)
                .ResponseAsync);
        await FailsWith(
            StatusCode.NotFound,
            () => Onboarding.CompleteMilestoneAsync(
                new() { AccountId = "ghost", MilestoneKey = "kickoff", CompletedBy = "x" }, cancellationToken: Ct)
                .ResponseAsync);
        await RejectsField("complete_time", () => Onboarding.CompleteMilestoneAsync(new()
        {
            AccountId = "strict-plan", MilestoneKey = "kickoff", CompletedBy = "x",
            CompleteTime = Timestamp.FromDateTime(new DateTime(2026, 2, 28, 12, 0, 0, DateTimeKind.Utc)),
        }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("complete_time", () => Onboarding.CompleteMilestoneAsync(new()
        {
            AccountId = "strict-plan", MilestoneKey = "kickoff", CompletedBy = "x",
            CompleteTime = Timestamp.FromDateTime(new DateTime(2026, 3, 16, 0, 0, 0, DateTimeKind.Utc)),
        }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("completed_by", () => Onboarding.CompleteMilestoneAsync(
            new() { AccountId = "strict-plan", MilestoneKey = "kickoff", CompletedBy = new string('x', 255) },
                cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "milestone_key",
            () => Onboarding.CompleteMilestoneAsync(
                new() { AccountId = "strict-plan", MilestoneKey = "", CompletedBy = "x" }, cancellationToken: Ct)
                .ResponseAsync);

        Assert.All((await Plan("strict-plan")).Milestones, m => Assert.NotEqual(MilestoneStatus.Done, m.Status));
    }

    [Fact]
    public async Task OverdueMilestonesAreListedByOwnerAndTierOldestFirst()
    {
        await GivenCustomer("queue-a", CsTier.HighTouch, start: "2026-02-01", owner: "queue-owner");
        await GivenCustomer("queue-b", CsTier.LowTouch, start: "2026-02-10", owner: "queue-owner");
        await GivenCustomer("queue-c", CsTier.HighTouch, start: "2026-02-01", owner: "someone-else");

        var all = new List<OverdueMilestone>();
        var token = "";
        do
        {
            var page = await Onboarding.ListOverdueMilestonesAsync(
                new() { Owner = "queue-owner", PageSize = 2, PageToken = token }, cancellationToken: Ct);
            all.AddRange(page.Milestones);
            token = page.NextPageToken;
        }
        while (token != "");
        var highTouch = await Onboarding.ListOverdueMilestonesAsync(
            new() { Owner = "queue-owner", CsTier = CsTier.HighTouch }, cancellationToken: Ct);

        // As of 2026-03-15: queue-a (start 02-01) is past kickoff (02-08), integration (02-15), first value (03-03),
        // training (03-15 is due today: not yet);
        // queue-b (start 02-10, low-touch) is past kickoff (02-20) and first value (03-12).
        Assert.Equal(
            ["queue-a/kickoff", "queue-a/integration_live", "queue-b/kickoff", "queue-a/first_value",
            "queue-b/first_value"], all.Select(m => $"{m.AccountId}/{m.MilestoneKey}"));
        Assert.Equal(35, all[0].DaysOverdue);
        Assert.Equal("queue-owner", all[0].Owner);
        Assert.Equal(["queue-a", "queue-a", "queue-a"], highTouch.Milestones.Select(m => m.AccountId));
    }

    [Fact]
    public async Task APlanCreatedOnDemandCountsPastEventsAndDoesNotSilentlyReplaceOne()
    {
        await Engagement.UpdateEventCatalogueAsync(
            new()
            {
                Catalogue = new EventCatalogue
                {
                    Events = { new CatalogueEvent { EventName = "report_created",
            FirstValue = true } }
                }, UpdatedBy = "ops"
            }, cancellationToken: Ct);
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("on-demand", tier: CsTier.TechTouch) }, cancellationToken: Ct);
        await Engagement.IngestEventsAsync(
            Batch(Event("od1", "on-demand", "ann", "report_created", at: "2026-03-10T08:00:00Z")),
            cancellationToken: Ct);

        var created = (await Onboarding.CreateOnboardingPlanAsync(
            new() { AccountId = "on-demand", StartDate = Build.Date("2026-03-05") }, cancellationToken: Ct)).Plan;

        Assert.Equal(MilestoneStatus.Done, Milestone(created, "first_value").Status);
        Assert.Equal(5, created.TimeToValueDays);
        await FailsWith(
            StatusCode.AlreadyExists,
            () => Onboarding.CreateOnboardingPlanAsync(
                new() { AccountId = "on-demand", StartDate = Build.Date("2026-03-12") }, cancellationToken: Ct)
                .ResponseAsync);
        var replaced = (await Onboarding.CreateOnboardingPlanAsync(
            new() { AccountId = "on-demand", StartDate = Build.Date("2026-03-12"), ReplaceExisting = true },
            cancellationToken: Ct)).Plan;
        Assert.Equal(Build.Date("2026-03-12"), replaced.StartDate);
        // the event predates the new start
        Assert.Equal(MilestoneStatus.Pending, Milestone(replaced, "first_value").Status);
        await FailsWith(
            StatusCode.NotFound,
            () => Onboarding.GetOnboardingPlanAsync(new() { AccountId = "ghost" }, cancellationToken: Ct)
            .ResponseAsync);
    }
}
