using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;

using AuditedCall = (
    string Rpc,
    System.Func<System.Threading.Tasks.Task<(CustomerHealth.V1.AuditAction, string, string)>> Call
);

namespace CustomerHealth.Server.Tests.Audit;

public sealed class AuditTrailOnSqlite(SqliteTestDatabase database) : AuditTrailTests<SqliteTestDatabase>(database);

public sealed class AuditTrailOnPostgreSql(PostgreSqlTestDatabase database)
    : AuditTrailTests<PostgreSqlTestDatabase>(database);

public sealed class AuditTrailOnSqlServer(SqlServerTestDatabase database)
    : AuditTrailTests<SqlServerTestDatabase>(database);

/// <summary>
/// The one audit trail: every admin or destructive call leaves an event naming the authenticated caller (never a name
/// the request gave), whom it acted for, the RPC and the target, written with the change or not at all.
/// </summary>
public abstract class AuditTrailTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Admin = "admin.auditor@example.com";
    private const string Requester = "requester@example.com";
    private const string Person = "person-42";
    private const string ContactEmail = "dana.champion@acme.example";

    private AuditService.AuditServiceClient Audit => new(Service.Channel);

    /// <summary>Clients whose calls carry a token for <see cref="Admin"/> and name <see cref="Requester"/> as
    /// on-behalf-of.</summary>
    private CallInvoker AsAdmin(string subject = Admin) =>
        Service
            .ChannelWith(TestCredentials.Token(Scopes.All, subject))
            .Intercept(m =>
            {
                m.Add("customerhealth-on-behalf-of", Requester);
                return m;
            });

    [Fact]
    public async Task EveryAuditedCallRecordsTheAuthenticatedCallerTheRpcAndTheTarget()
    {
        await GivenCustomerWithActivity("acme");
        var invoker = AsAdmin();
        var expected = new List<(AuditAction Action, string Rpc, string TargetType, string TargetId)>();
        foreach (var (rpc, call) in AuditedCalls(invoker))
        {
            var (action, targetType, targetId) = await call();
            expected.Add((action, rpc, targetType, targetId));
        }

        var events = await AllEvents(new ListAuditEventsRequest { Caller = Admin, PageSize = 3 });

        Assert.Equal(expected.Select(e => e.Rpc).Reverse(), events.Select(e => e.Rpc)); // newest first
        Assert.Equal(expected.Select(e => e.Action).Reverse(), events.Select(e => e.Action));
        Assert.Equal(
            expected.Select(e => (e.TargetType, e.TargetId)).Reverse(),
            events.Select(e => (e.TargetType, e.TargetId))
        );
        Assert.All(events, e =>
        {
            Assert.Equal(Admin, e.Caller);
            Assert.Equal(CallerKind.Token, e.CallerKind);
            Assert.Equal(Requester, e.OnBehalfOf);
            Assert.Equal(Timestamp.FromDateTimeOffset(Clock.GetUtcNow()), e.Time);
            // The erased person's id is kept nowhere in the trail.
            Assert.DoesNotContain(Person, e.ToString(), StringComparison.Ordinal);
            // Nor is a deleted contact's id, which may be the person's e-mail address.
            Assert.DoesNotContain(ContactEmail, e.ToString(), StringComparison.Ordinal);
        });
        var erased = Assert.Single(events, e => e.Action == AuditAction.PersonDataErased);
        Assert.Contains("\"deletedEvents\":1", erased.DetailsJson, StringComparison.Ordinal);
        var contact = Assert.Single(events, e => e.Action == AuditAction.ContactDeleted);
        Assert.Contains("\"role\":\"Champion\"", contact.DetailsJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequestsOwnNameIsKeptAsOnBehalfOfAndNeverReplacesTheCaller()
    {
        await GivenCustomerWithActivity("globex");
        var health = new HealthService.HealthServiceClient(
            Service.ChannelWith(TestCredentials.Token(Scopes.All, "crm-bridge"))
        );

        var set = await health.SetHealthOverrideAsync(
            new()
            {
                AccountId = "globex",
                Band = HealthBand.AtRisk,
                Reason = "Budget freeze",
                ExpireTime = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddDays(7)),
                SetBy = "csm.bob@example.com",
            },
            cancellationToken: Ct
        );

        Assert.Equal("crm-bridge", set.Score.Override.SetBy);
        var e = Assert.Single(await AllEvents(new() { Caller = "crm-bridge" }));
        Assert.Equal("crm-bridge", e.Caller);
        Assert.Equal("csm.bob@example.com", e.OnBehalfOf);
        Assert.Equal(AuditAction.HealthOverrideSet, e.Action);
        Assert.Contains("Budget freeze", e.AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChangeThatFailsLeavesNoEvent()
    {
        await GivenCustomerWithActivity("initech");
        const string caller = "failing.admin@example.com";
        var health = new HealthService.HealthServiceClient(AsAdmin(caller));
        var onboarding = new OnboardingService.OnboardingServiceClient(AsAdmin(caller));

        await FailsWith(StatusCode.FailedPrecondition, () =>
            health.ClearHealthOverrideAsync(new() { AccountId = "initech" }, cancellationToken: Ct).ResponseAsync
        );
        await FailsWith(StatusCode.AlreadyExists, () =>
            onboarding
                .CreateOnboardingPlanAsync(
                    new() { AccountId = "initech", StartDate = Build.Date("2026-03-01") },
                    cancellationToken: Ct
                )
                .ResponseAsync
        );
        await FailsWith(StatusCode.NotFound, () =>
            new AccountService.AccountServiceClient(AsAdmin(caller))
                .DeleteAccountAsync(new() { AccountId = "no-such-account" }, cancellationToken: Ct)
                .ResponseAsync
        );

        Assert.Empty(await AllEvents(new() { Caller = caller }));
    }

    [Fact]
    public async Task EventsAreFilteredByTargetActionAndTimeAndPaged()
    {
        await GivenCustomerWithActivity("filter-a");
        await GivenCustomerWithActivity("filter-b");
        const string caller = "filtering.admin@example.com";
        var health = new HealthService.HealthServiceClient(AsAdmin(caller));
        var start = Clock.GetUtcNow();
        foreach (var account in new[] { "filter-a", "filter-b", "filter-a" })
        {
            await health.SetHealthOverrideAsync(
                new()
                {
                    AccountId = account,
                    Band = HealthBand.Healthy,
                    Reason = "QBR went well",
                    ExpireTime = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddDays(7)),
                },
                cancellationToken: Ct
            );
            Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var a = await AllEvents(
            new()
            {
                TargetType = "account",
                TargetId = "filter-a",
                PageSize = 1,
            }
        );
        Assert.Equal(2, a.Count);
        Assert.True(a[0].Id > a[1].Id);
        var window = await AllEvents(
            new()
            {
                Caller = caller,
                StartTime = Timestamp.FromDateTimeOffset(start.AddMinutes(5)),
                EndTime = Timestamp.FromDateTimeOffset(start.AddMinutes(15)),
            }
        );
        Assert.Equal("filter-b", Assert.Single(window).TargetId);
        Assert.Equal(3, (await AllEvents(new() { Caller = caller, Action = AuditAction.HealthOverrideSet })).Count);
        Assert.Empty(await AllEvents(new() { Caller = caller, Action = AuditAction.AccountDeleted }));

    }

    [Fact]
    public async Task BadListingsAreRejected()
    {
        await GivenCustomerWithActivity("filter-c");
        const string caller = "listing.admin@example.com";
        var start = Clock.GetUtcNow();
        await new AccountService.AccountServiceClient(AsAdmin(caller)).DeleteAccountAsync(
            new() { AccountId = "filter-c" },
            cancellationToken: Ct
        );
        await new AccountService.AccountServiceClient(AsAdmin(caller)).DeleteAccountAsync(
            new() { AccountId = "filter-c", AllowMissing = true },
            cancellationToken: Ct
        );
        await GivenCustomerWithActivity("filter-d");
        await new AccountService.AccountServiceClient(AsAdmin(caller)).DeleteAccountAsync(
            new() { AccountId = "filter-d" },
            cancellationToken: Ct
        );

        var first = await Audit.ListAuditEventsAsync(new() { Caller = caller, PageSize = 1 }, cancellationToken: Ct);
        // Two events: the deletion that found nothing to delete left none.
        Assert.Equal(2, (await AllEvents(new() { Caller = caller })).Count);
        await RejectsField("page_token", () =>
            Audit
                .ListAuditEventsAsync(
                    new() { Caller = "someone-else", PageToken = first.NextPageToken },
                    cancellationToken: Ct
                )
                .ResponseAsync
        );
        await RejectsField("target_type", () =>
            Audit.ListAuditEventsAsync(new() { TargetType = "galaxy" }, cancellationToken: Ct).ResponseAsync
        );
        await RejectsField("caller", () =>
            Audit.ListAuditEventsAsync(new() { Caller = new string('c', 255) }, cancellationToken: Ct).ResponseAsync
        );
        await RejectsField("end_time", () =>
            Audit
                .ListAuditEventsAsync(
                    new()
                    {
                        StartTime = Timestamp.FromDateTimeOffset(start),
                        EndTime = Timestamp.FromDateTimeOffset(start),
                    },
                    cancellationToken: Ct
                )
                .ResponseAsync
        );
    }

    [Fact]
    public async Task AnOnBehalfOfHeaderOverItsLimitIsRejectedBeforeAnyChange()
    {
        await GivenCustomerWithActivity("hooli");
        var invoker = Service.Channel.Intercept(m =>
        {
            m.Add("customerhealth-on-behalf-of", new string('p', 255));
            return m;
        });

        await RejectsField("customerhealth-on-behalf-of", () =>
            new AccountService.AccountServiceClient(invoker)
                .DeleteAccountAsync(new() { AccountId = "hooli" }, cancellationToken: Ct)
                .ResponseAsync
        );

        Assert.NotNull(
            (
                await new AccountService.AccountServiceClient(Service.Channel).GetAccountAsync(
                    new() { AccountId = "hooli" },
                    cancellationToken: Ct
                )
            ).Account
        );
        Assert.Empty(await AllEvents(new() { TargetId = "hooli" }));
    }

    [Fact]
    public async Task OnlyAdminsReadTheTrail()
    {
        var reader = new AuditService.AuditServiceClient(
            Service.ChannelWith(TestCredentials.Token([Scopes.Read, Scopes.CsmWrite]))
        );

        await FailsWith(StatusCode.PermissionDenied, () =>
            reader.ListAuditEventsAsync(new(), cancellationToken: Ct).ResponseAsync
        );
    }

    /// <summary>Each audited RPC, called once on <paramref name="invoker"/>, with the event it must leave.</summary>
    private IEnumerable<AuditedCall> AuditedCalls(CallInvoker invoker) =>
        EngagementCalls(invoker).Concat(OnboardingCalls(invoker)).Concat(CurrencyCalls(invoker))
            .Concat(WebhookCalls(invoker)).Concat(PlayCalls(invoker)).Concat(HealthCalls(invoker))
            .Concat(AccountCalls(invoker));

    private IEnumerable<AuditedCall> WebhookCalls(CallInvoker invoker)
    {
        var webhooks = new WebhookService.WebhookServiceClient(invoker);
        const string webhookService = "customerhealth.v1.WebhookService/";
        var (subscriptionId, id) = (0L, "");
        yield return (webhookService + "CreateWebhookSubscription", async () =>
        {
            var created = await webhooks.CreateWebhookSubscriptionAsync(new()
            {
                Url = "https://crm.example.com/hooks", Secret = "audited-secret-0123456789",
                EventTypes = { "health.band_changed" },
            }, cancellationToken: Ct);
            subscriptionId = created.Subscription.Id;
            id = subscriptionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (AuditAction.WebhookSubscriptionChanged, "webhook_subscription", id);
        }
        );
        yield return (webhookService + "UpdateWebhookSubscription", async () =>
        {
            await webhooks.UpdateWebhookSubscriptionAsync(new()
            {
                Id = subscriptionId,
                Url = "https://crm.example.com/hooks/v2", EventTypes = { "health.band_changed" },
            }, cancellationToken: Ct);
            return (AuditAction.WebhookSubscriptionChanged, "webhook_subscription", id);
        }
        );
        yield return (webhookService + "RedeliverWebhookDeliveries", async () =>
        {
            await webhooks.RedeliverWebhookDeliveriesAsync(new() { SubscriptionId = subscriptionId },
                cancellationToken: Ct);
            return (AuditAction.WebhookDeliveriesRequeued, "webhook_subscription", id);
        }
        );
        yield return (webhookService + "DeleteWebhookSubscription", async () =>
        {
            await webhooks.DeleteWebhookSubscriptionAsync(new() { Id = subscriptionId }, cancellationToken: Ct);
            return (AuditAction.WebhookSubscriptionChanged, "webhook_subscription", id);
        }
        );
    }

    private IEnumerable<AuditedCall> PlayCalls(CallInvoker invoker)
    {
        var plays = new PlayService.PlayServiceClient(invoker);
        yield return ("customerhealth.v1.PlayService/UpdatePlayRules", async () =>
        {
            var rules = (await plays.GetPlayRulesAsync(new(), cancellationToken: Ct)).RuleSet;
            var proposed = rules.Clone();
            proposed.CooldownDays = rules.CooldownDays + 1;
            var updated = await plays.UpdatePlayRulesAsync(
                new() { RuleSet = proposed, ExpectedVersion = rules.Version }, cancellationToken: Ct);
            return (AuditAction.PlayRulesUpdated, "play_rules", updated.RuleSet.Version.ToString(
                System.Globalization.CultureInfo.InvariantCulture));
        }
        );
    }

    private IEnumerable<AuditedCall> CurrencyCalls(CallInvoker invoker)
    {
        var currencies = new CurrencyService.CurrencyServiceClient(invoker);
        yield return ("customerhealth.v1.CurrencyService/SetExchangeRates", async () =>
        {
            var request = new SetExchangeRatesRequest
            {
                AsOfDate = Build.Date("2026-03-14"), Rates = { ["EUR"] = 1.08 },
            };
            var set = await currencies.SetExchangeRatesAsync(request, cancellationToken: Ct);
            return (AuditAction.ExchangeRatesSet, "exchange_rates", set.ExchangeRates.Version.ToString(
                System.Globalization.CultureInfo.InvariantCulture));
        }
        );
    }

    private IEnumerable<AuditedCall> EngagementCalls(CallInvoker invoker)
    {
        var engagement = new EngagementService.EngagementServiceClient(invoker);
        const string engagementService = "customerhealth.v1.EngagementService/";
        yield return (engagementService + "UpdateEventCatalogue", async () =>
        {
            var catalogue = new EventCatalogue
            {
                Events =
                {
                    new CatalogueEvent { EventName = "report_created", KeyFeature = true },
                },
            };
            var updated = await engagement.UpdateEventCatalogueAsync(
                new() { Catalogue = catalogue },
                cancellationToken: Ct
            );
            return (
                AuditAction.EventCatalogueReplaced,
                "event_catalogue",
                updated.Catalogue.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)
            );
        }
        );
        yield return (engagementService + "RebuildRollups", async () =>
        {
            await engagement.RebuildRollupsAsync(
                new()
                {
                    AccountId = "acme",
                    StartDate = Build.Date("2026-03-01"),
                    EndDate = Build.Date("2026-03-15"),
                },
                cancellationToken: Ct
            );
            return (AuditAction.RollupsRebuilt, "rollups", "acme");
        }
        );
        yield return (engagementService + "DeletePersonData", async () =>
        {
            await engagement.DeletePersonDataAsync(
                new() { UserId = Person, AccountId = "acme" },
                cancellationToken: Ct
            );
            return (AuditAction.PersonDataErased, "person", "acme");
        }
        );
    }

    private IEnumerable<AuditedCall> OnboardingCalls(CallInvoker invoker)
    {
        var onboarding = new OnboardingService.OnboardingServiceClient(invoker);
        const string onboardingService = "customerhealth.v1.OnboardingService/";
        yield return (onboardingService + "ReplacePlanTemplate", async () =>
        {
            var current = (
                await onboarding.GetPlanTemplateAsync(new() { CsTier = CsTier.LowTouch }, cancellationToken: Ct)
            ).Template;
            await onboarding.ReplacePlanTemplateAsync(
                new() { CsTier = CsTier.LowTouch, Milestones = { current.Milestones } },
                cancellationToken: Ct
            );
            return (AuditAction.PlanTemplateReplaced, "plan_template", "low_touch");
        }
        );
        yield return (onboardingService + "CreateOnboardingPlan", async () =>
        {
            await onboarding.CreateOnboardingPlanAsync(
                new()
                {
                    AccountId = "acme",
                    StartDate = Build.Date("2026-03-01"),
                    ReplaceExisting = true,
                },
                cancellationToken: Ct
            );
            return (AuditAction.OnboardingPlanReplaced, "onboarding_plan", "acme");
        }
        );
        yield return (onboardingService + "CompleteMilestone", async () =>
        {
            var plan = (
                await onboarding.GetOnboardingPlanAsync(new() { AccountId = "acme" }, cancellationToken: Ct)
            ).Plan;
            var open = plan.Milestones.First(m => m.Status != MilestoneStatus.Done);
            await onboarding.CompleteMilestoneAsync(
                new() { AccountId = "acme", MilestoneKey = open.Key },
                cancellationToken: Ct
            );
            return (AuditAction.MilestoneCompleted, "onboarding_plan", "acme");
        }
        );
    }

    private IEnumerable<AuditedCall> HealthCalls(CallInvoker invoker)
    {
        var health = new HealthService.HealthServiceClient(invoker);
        const string healthService = "customerhealth.v1.HealthService/";
        var expire = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddDays(7));
        yield return (healthService + "ReplaceScorecard", async () =>
        {
            var card = (await health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard;
            card.ChangeThresholdPoints = 7;
            var replaced = await health.ReplaceScorecardAsync(new() { Scorecard = card }, cancellationToken: Ct);
            return (
                AuditAction.ScorecardReplaced,
                "scorecard",
                replaced.Scorecard.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)
            );
        }
        );
        yield return (healthService + "SetHealthOverride", async () =>
        {
            await health.SetHealthOverrideAsync(
                new()
                {
                    AccountId = "acme",
                    Band = HealthBand.AtRisk,
                    Reason = "Champion left",
                    ExpireTime = expire,
                },
                cancellationToken: Ct
            );
            return (AuditAction.HealthOverrideSet, "account", "acme");
        }
        );
        yield return (healthService + "ClearHealthOverride", async () =>
        {
            await health.ClearHealthOverrideAsync(new() { AccountId = "acme" }, cancellationToken: Ct);
            return (AuditAction.HealthOverrideCleared, "account", "acme");
        }
        );
        yield return (healthService + "RecomputeHealthScores", async () =>
        {
            await health.RecomputeHealthScoresAsync(
                new() { AsOfDate = Build.Date("2026-03-14") },
                cancellationToken: Ct
            );
            return (AuditAction.HealthScoresRecomputed, "health_scores", "2026-03-14");
        }
        );
    }

    private IEnumerable<AuditedCall> AccountCalls(CallInvoker invoker)
    {
        var accounts = new AccountService.AccountServiceClient(invoker);
        yield return ("customerhealth.v1.AccountService/DeleteContact", async () =>
        {
            await accounts.UpsertContactAsync(new()
            {
                Contact = new()
                {
                    ContactId = ContactEmail, AccountId = "acme", DisplayName = "Dana Champion",
                    Email = ContactEmail, Role = ContactRole.Champion,
                },
            }, cancellationToken: Ct);
            await accounts.DeleteContactAsync(new() { ContactId = ContactEmail }, cancellationToken: Ct);
            return (AuditAction.ContactDeleted, "account", "acme");
        }
        );
        yield return ("customerhealth.v1.AccountService/DeleteAccount", async () =>
        {
            await accounts.DeleteAccountAsync(new() { AccountId = "acme" }, cancellationToken: Ct);
            return (AuditAction.AccountDeleted, "account", "acme");
        }
        );
    }

    /// <summary>
    /// The RPCs an admin calls that change nothing. Every other admin RPC must be audited: the test's list above names
    /// each one, and TrainRenewalModel and ServeRenewalModel are covered by the renewal model tests (they need a
    /// trained
    /// portfolio).
    /// </summary>
    private static readonly string[] UnauditedAdminRpcs =
    [
        "customerhealth.v1.HealthService/ListHealthAudit",
        "customerhealth.v1.HealthService/BacktestHealthScores",
        "customerhealth.v1.HealthService/ProposeScorecard",
        "customerhealth.v1.RenewalService/ListRenewalHoldout",
        "customerhealth.v1.AuditService/ListAuditEvents",
        // Reads: subscriptions are admin-only because they say where data goes, dead letters hold event bodies.
        "customerhealth.v1.WebhookService/GetWebhookSubscription",
        "customerhealth.v1.WebhookService/ListWebhookSubscriptions",
        "customerhealth.v1.WebhookService/ListWebhookDeadLetters",
    ];

    [Fact]
    public void EveryAdminRpcThatChangesStateIsAudited()
    {
        var audited = AuditedCalls(Service.Channel.CreateCallInvoker())
            .Select(c => c.Rpc)
            .Append("customerhealth.v1.RenewalService/TrainRenewalModel")
            .Append("customerhealth.v1.RenewalService/ServeRenewalModel")
            .ToHashSet();
        var admin = RpcScopes.ByMethod.Where(m => m.Value == Scopes.Admin).Select(m => m.Key);

        Assert.All(admin, rpc =>
            Assert.True(
                audited.Contains(rpc) || UnauditedAdminRpcs.Contains(rpc),
                $"{rpc} is an admin RPC without an audit event"
            )
        );
    }

    private async Task GivenCustomerWithActivity(string account)
    {
        var accounts = new AccountService.AccountServiceClient(Service.Channel);
        await accounts.UpsertAccountAsync(
            new() { Account = Build.Account(account, tier: CsTier.LowTouch) },
            cancellationToken: Ct
        );
        await accounts.UpsertContractAsync(
            new() { Contract = Build.Contract($"{account}-2026", account, start: "2026-03-01", end: "2027-03-01") },
            cancellationToken: Ct
        );
        var usage = new UsageEvent
        {
            EventId = $"{account}-e1",
            AccountId = account,
            UserId = Person,
            EventName = "login",
            OccurTime = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddHours(-2)),
        };
        await new EngagementService.EngagementServiceClient(Service.Channel).IngestEventsAsync(
            new() { Source = "test", Events = { usage } },
            cancellationToken: Ct
        );
    }

    private async Task<List<AuditEvent>> AllEvents(ListAuditEventsRequest request)
    {
        var all = new List<AuditEvent>();
        while (true)
        {
            var page = await Audit.ListAuditEventsAsync(request, cancellationToken: Ct);
            all.AddRange(page.Events);
            if (page.NextPageToken == "")
                return all;
            request = request.Clone();
            request.PageToken = page.NextPageToken;
        }
    }
}
