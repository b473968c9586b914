using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>An account's signals with the contract that sets its ARR and renewal date (null without one).</summary>
public sealed record AccountSignalsRead(string AccountId, AccountSignals Signals, Contract? CurrentContract);

/// <summary>One account's signals wanted as of one instant.</summary>
public readonly record struct SignalRequest(string AccountId, DateTimeOffset AsOf)
{
    /// <summary>Days of daily rollups this pair's usage signals carry; null: the batch's.</summary>
    public int? UsageHistoryDays { get; init; }
}

/// <summary>
/// Builds <see cref="AccountSignals"/> for a batch of (account, instant) pairs from the stored aggregates: one
/// set-based query per source for the whole batch (daily rollups, active-day blocks, feature-day rollups, contracts,
/// onboarding plans, NPS answers, tickets, touchpoints), never raw events and never a query per account. Each source is
/// read over the span from the earliest window start to the latest instant, and every pair keeps only what its own
/// instant allows.
/// </summary>
public sealed partial class SignalReader(CustomerHealthDbContext db, EventCatalogueStore catalogues)
{
    /// <summary>
    /// The signals of those of <paramref name="accountIds"/> that exist as of one instant, in account id order (unknown
    /// ids are left out): <see cref="ReadManyAsync"/> with one instant. With <paramref name="range"/> (the ids are
    /// every account from its first id to its last, as a full recompute cuts its batches) each source is read by that
    /// range instead of by id (<see cref="AccountSelection"/>).
    /// </summary>
    public async Task<IReadOnlyList<AccountSignalsRead>> ReadAsync(
        IReadOnlyCollection<string> accountIds, DateTimeOffset asOf, int usageHistoryDays, CancellationToken ct,
        bool metrics = true, AccountIdRange? range = null)
    {
        var requests = accountIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(id => new SignalRequest(id, asOf)).ToArray();
        var read = await ReadManyAsync(requests, usageHistoryDays, range, metrics, ct);
        return read.OfType<AccountSignalsRead>().ToArray();
    }

    /// <summary>
    /// The signals of many (account, instant) pairs, in request order, with one set-based query per source for the
    /// whole set. Meant for sets whose instants are close together (callers sort by instant and chunk), or for a few
    /// accounts each asked at many instants: renewal training reads all the outcomes of a chunk of accounts, each as of
    /// its own lead day and 30 days before, this way, a health recompute a batch of accounts as of one instant. Pairs
    /// of unknown accounts come back null. With <paramref name="metrics"/> false the usage-rate metrics' day counts are
    /// not read (<see cref="AccountSignals.Metrics"/> stays empty): a scorecard without usage-metric components does
    /// not need them. A pair's own <see cref="SignalRequest.UsageHistoryDays"/> overrides <paramref
    /// name="usageHistoryDays"/>.
    /// </summary>
    public Task<IReadOnlyList<AccountSignalsRead?>> ReadManyAsync(
        IReadOnlyList<SignalRequest> requests, int usageHistoryDays, CancellationToken ct, bool metrics = true) =>
        ReadManyAsync(requests, usageHistoryDays, null, metrics, ct);

    private async Task<IReadOnlyList<AccountSignalsRead?>> ReadManyAsync(
        IReadOnlyList<SignalRequest> requests, int usageHistoryDays, AccountIdRange? range, bool metrics,
        CancellationToken ct)
    {
        if (requests.Count == 0) return [];
        var ids = requests.Select(r => r.AccountId).Distinct(StringComparer.Ordinal).ToArray();
        var spanDays = requests.Max(r => r.UsageHistoryDays ?? usageHistoryDays);
        var span = new ReadSpan(
            Windows.Of(requests.MinBy(r => r.AsOf.UtcDateTime).AsOf, spanDays),
            Windows.Of(requests.MaxBy(r => r.AsOf.UtcDateTime).AsOf, spanDays));
        var result = new AccountSignalsRead?[requests.Count];
        var sources = await ReadSourcesAsync(AccountSelection.Of(ids, range), span, metrics, ct);
        if (sources is null) return result;
        for (var i = 0; i < requests.Count; i++)
        {
            result[i] = Assemble(sources, requests[i], requests[i].UsageHistoryDays ?? usageHistoryDays);
        }
        return result;
    }

    /// <summary>The signals of one pair from what was read for its batch (null for an unknown account).</summary>
    private static AccountSignalsRead? Assemble(Sources s, SignalRequest request, int usageHistoryDays)
    {
        var (id, asOf) = request;
        if (!s.Accounts.TryGetValue(id, out var account)) return null;
        var w = Windows.Of(asOf, usageHistoryDays);
        var own = s.Contracts[id].ToArray();
        var current = Contract.CurrentOf(own, w.Day);
        var (last30, previous30) = s.ActiveUsers(id, w);
        var signals = new AccountSignals
        {
            AsOf = asOf,
            Tier = account.Tier,
            AccountCreatedOn = DateOnly.FromDateTime(account.CreatedAt),
            Contracts = ContractsOf(own, current, w.Day),
            Usage = new UsageSignals(
                (s.Days.GetValueOrDefault(id) ?? []).Where(u => u.Day >= w.HistoryFrom && u.Day <= w.Day)
                    .ToArray(),
                last30,
                previous30,
                s.KeyFeaturesUsed(id, w),
                s.KeyFeaturesInCatalogue),
            Onboarding = s.Plans.GetValueOrDefault(id),
            NpsAnswers = s.Answers[id]
                .Where(n => n.AnsweredAt.UtcDateTime > w.NpsFrom && n.AnsweredAt.UtcDateTime <= w.At).ToArray(),
            Tickets = s.Tickets[id]
                .Where(t => t.OpenedAt.UtcDateTime <= w.At
                    && (t.ClosedAt is not { } closed || closed.UtcDateTime > w.TicketsFrom))
                .ToArray(),
            LastTouchpointAt = s.LastTouchpoint(id, w.At),
            Metrics = s.Metrics is var (catalogue, metricDays)
                ? new MetricSignals(catalogue.MetricEvents, catalogue.Ratios, SpanReads.Window(
                    metricDays.GetValueOrDefault(id) ?? [], d => d.Day,
                    w.Day.AddDays(-(UsageRates.LookbackDays - 1)), w.Day))
                : MetricSignals.None,
        };
        return new AccountSignalsRead(id, signals, current);
    }

    /// <summary>The contracts in figures as of <paramref name="day"/>; outcomes count once decided.</summary>
    private static ContractSignals? ContractsOf(Contract[] contracts, Contract? current, DateOnly day)
    {
        if (contracts.Length == 0) return null;
        // No current contract once every contract has churned and ended: the last one still dates the relationship (and
        // its churn makes the account churned, not a lead).
        current ??= contracts.MaxBy(c => c.StartDate)!;
        var covering = contracts.Where(c => c.CoversDay(day)).ToArray();
        var decided = contracts.Where(c => c.Outcome is { } o && o.DecisionDate <= day)
            .Select(c => c.Outcome!.Kind).ToArray();
        return new ContractSignals(
            FirstStart: contracts.Min(c => c.StartDate),
            CurrentStart: current.StartDate,
            RenewalDate: current.EndDate,
            Seats: covering.Sum(c => c.Seats),
            HasActiveContract: covering.Length > 0,
            Renewals: decided.Count(k => k == RenewalOutcomeKind.Renewed),
            Churns: decided.Count(k => k == RenewalOutcomeKind.Churned));
    }

    private static DateTimeOffset Utc(DateTime instant) => new(DateTime.SpecifyKind(instant, DateTimeKind.Utc));
}
