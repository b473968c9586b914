using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerHealth.Infrastructure.BulkLoad;

/// <summary>A manual milestone completion: who marked which milestone done, when.</summary>
public sealed record ManualCompletion(string MilestoneKey, string CompletedBy, string? Note, DateTime CompletedAt);

/// <summary>Everything about one new account, as the API's request readers produce it.</summary>
public sealed record NewAccount(
    AccountDetails Details,
    IReadOnlyList<ContractTerms> Contracts,
    IReadOnlyList<(string ContractId, RenewalOutcomeInput Outcome)> Outcomes,
    IReadOnlyList<NpsResponseInput> NpsResponses,
    IReadOnlyList<SupportTicketInput> Tickets,
    IReadOnlyList<TouchpointInput> Touchpoints,
    IReadOnlyList<ManualCompletion> Completions,
    AccountActivity Activity);

/// <summary>
/// An account's usage events reduced to what is stored of them (no raw events): rollup increments, and the onboarding
/// evidence (first instant of each event name and each user's first active day since the plan's start).
/// </summary>
public sealed record AccountActivity(
    long Events, IReadOnlyList<UserDayDelta> UserDays, IReadOnlyList<FeatureDayDelta> FeatureDays,
    IReadOnlyDictionary<string, DateTime> FirstEvents, IReadOnlyList<DateOnly> FirstActiveDays)
{
    /// <summary>
    /// Checks every event against the rules (a broken one is an error: the bulk path has no rejections) and reduces
    /// them.
    /// </summary>
    public static AccountActivity Of(
        IReadOnlyList<UsageEvent> events, EventCatalogue catalogue, EventRules rules, DateOnly planStart, DateTime now)
    {
        var firstEvents = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var firstActive = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (rules.Check(e, now) is { } problem)
                throw new InvalidOperationException(
                    $"Event {e.EventId} of account {e.AccountId} breaks the rules: {problem.Message}");
            if (e.Day < planStart) continue;
            var at = e.OccurredAt!.Value;
            if (!firstEvents.TryGetValue(e.EventName, out var first) || at < first) firstEvents[e.EventName] = at;
            if (catalogue.IsActive(e.EventName)
                && (!firstActive.TryGetValue(e.UserId, out var day) || e.Day < day)) firstActive[e.UserId] = e.Day;
        }
        var (users, features) = RollupDeltas.From(events, catalogue);
        return new AccountActivity(events.Count, users, features, firstEvents, firstActive.Values.Order().ToArray());
    }
}

/// <summary>
/// The bulk path for benchmark-size synthetic portfolios: writes many new accounts per transaction through the same
/// domain code as the API (entities from their factories, renewal outcomes, tier derivation, the onboarding plan from
/// its tier's template with manual and automatic completion, rollup increments from <see cref="RollupDeltas"/>,
/// inserted in bulk: the accounts are new), but skips the raw events: only their daily rollups are stored. So a
/// database loaded this way must not have its rollups rebuilt from raw events (a rebuild or a catalogue change would
/// empty them); it is for benchmarks. Accounts must be new: an account id that exists fails the whole chunk.
/// </summary>
public sealed class BulkAccountLoader(
    CustomerHealthDbContext db, RollupWriter writer, TierThresholds thresholds, OnboardingStore onboarding,
    TimeProvider clock, Currency.ExchangeRateStore rateStore)
{
    private readonly Dictionary<CsTier, PlanTemplate> _templates = [];

    /// <summary>
    /// Writes the accounts and everything that belongs to them in one transaction; returns the rollup rows written.
    /// <paramref name="expectedCatalogue"/> is the catalogue their activity was reduced with.
    /// </summary>
    public async Task<long> WriteAsync(
        IReadOnlyList<NewAccount> accounts, EventCatalogue expectedCatalogue, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rates = await rateStore.CurrentAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var connection = db.Database.GetDbConnection();
            var dbTransaction = transaction.GetDbTransaction();
            var catalogue = await writer.ReadCatalogueAsync(connection, dbTransaction, ct);
            var userDays = new List<UserDayDelta>();
            var featureDays = new List<FeatureDayDelta>();
            if (catalogue.Version != expectedCatalogue.Version)
                throw new InvalidOperationException("The event catalogue changed during the load; start it again.");
            foreach (var input in accounts)
            {
                await AddAccountAsync(input, catalogue, rates, now, ct);
                userDays.AddRange(input.Activity.UserDays);
                featureDays.AddRange(input.Activity.FeatureDays);
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();

            // The accounts are new, so each user-day row is too: its totals are its delta.
            var accountDays = RollupDeltas.ForAccounts(userDays.Select(d => (d, d.Events, d.ActiveEvents)));
            await writer.InsertFreshRollupsAsync(connection, dbTransaction, userDays, accountDays, featureDays, ct);
            await transaction.CommitAsync(ct);
            return (long)userDays.Count + accountDays.Count + featureDays.Count;
        });
    }

    /// <summary>Adds one account with its contracts, onboarding plan and signals to the unit of work.</summary>
    private async Task AddAccountAsync(
        NewAccount input, EventCatalogue catalogue, ExchangeRates rates, DateTime now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now);
        var account = Account.Create(input.Details, now);
        var contracts = input.Contracts.Select(t => Contract.Create(t, now)).ToList();
        foreach (var (contractId, outcome) in input.Outcomes)
            contracts.Single(c => c.Id == contractId).RecordOutcome(outcome, now);
        account.RefreshEffectiveTier(Contract.CurrentOf(contracts, today), thresholds, rates, now);
        db.Add(account);
        db.AddRange(contracts);
        if (contracts.Count > 0)
        {
            var plan = OnboardingPlan.Create(
                account.Id, contracts.Min(c => c.StartDate), await TemplateAsync(account.EffectiveTier, ct),
                now);
            foreach (var c in input.Completions) plan.CompleteManually(
                c.MilestoneKey, c.CompletedBy, c.Note, c.CompletedAt, now);
            var seats = OnboardingEvidence.PlanSeats(contracts, plan.StartDate, today);
            plan.ApplyEvidence(
                new OnboardingEvidence(
                    catalogue, input.Activity.FirstEvents, input.Activity.FirstActiveDays, seats), now);
            db.Add(plan);
        }
        db.AddRange(
            input.NpsResponses.Select(
                a => NpsResponse.Create(
                    a.ResponseId, a.AccountId, a.RespondentId, a.Score, a.Comment, a.AnsweredAt, now)));
        db.AddRange(
            input.Tickets.Select(
                t => SupportTicket.Create(
                    t.TicketId, t.AccountId, t.Severity, t.Subject, t.OpenedAt, t.ClosedAt, now)));
        db.AddRange(
            input.Touchpoints.Select(
                t => Touchpoint.Create(t.TouchpointId, t.AccountId, t.Kind, t.OccurredAt, t.Csm, t.Note, now)));
    }

    private async Task<PlanTemplate> TemplateAsync(CsTier tier, CancellationToken ct)
    {
        if (!_templates.TryGetValue(tier, out var template))
            _templates[tier] = template = await onboarding.GetTemplateAsync(
                tier == CsTier.Unspecified ? CsTier.TechTouch : tier, ct);
        return template;
    }
}
