using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Currency;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Renewals;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Accounts;

/// <summary>An account page (GetAccountOverview), as <see cref="AccountOverviewReader"/> reads it; absent parts are
/// null or empty.</summary>
public sealed record AccountPage(
    Account Account,
    Contract? CurrentContract,
    ExchangeRates Rates,
    HealthScoreRow Score,
    DateOnly UsageFrom,
    IReadOnlyList<DailyUsageRow> Usage,
    OnboardingPlan? Plan,
    RenewalPredictionView? Prediction,
    IReadOnlyList<NpsResponse> Nps,
    IReadOnlyList<SupportTicket> Tickets,
    IReadOnlyList<Touchpoint> Touchpoints,
    DateOnly Today,
    IReadOnlyList<Contact> Stakeholders,
    IReadOnlyList<ChampionAlert> ChampionAlerts);

/// <summary>
/// Everything a dashboard's account page shows, read through the stores the single-purpose RPCs use, one after the
/// other on the call's one DbContext: 19 queries at most when the account's score and prediction are stored (one
/// fewer when its contract is in the reporting currency); an account not scored yet, or a contract without a stored
/// prediction, is computed on the spot as GetHealthScore and GetRenewalPrediction do
/// (docs/api/contract.md#account-overview).
/// </summary>
public sealed class AccountOverviewReader(
    CustomerHealthDbContext db, AccountStore accounts, ExchangeRateStore rates, HealthStore scores, UsageStore usage,
    OnboardingStore onboarding, RenewalStore renewals, SignalStore signals, ContactStore contacts,
    ChampionSignalReader champions)
{
    /// <summary>The days of the usage series, ending today.</summary>
    public const int UsageDays = 90;

    /// <summary>The most NPS answers, tickets and touchpoints shown, each.</summary>
    public const int RecentItems = 5;

    /// <summary>The most stakeholders shown.</summary>
    public const int Stakeholders = 100;

    /// <summary>The account's page. Throws <see cref="NotFoundException"/> for an unknown account.</summary>
    public async Task<AccountPage> ReadAsync(string accountId, CancellationToken ct)
    {
        var account = await accounts.GetAccountAsync(accountId, ct);
        var today = accounts.CurrentDay;
        var contracts = await db.Contracts.AsNoTracking().Where(c => c.AccountId == accountId).ToListAsync(ct);
        var current = Contract.CurrentOf(contracts, today);
        var table = current is not null && current.Currency != rates.ReportingCurrency
            ? await rates.CurrentAsync(ct)
            : ExchangeRates.None(rates.ReportingCurrency);
        var score = await scores.GetAsync(accountId, ct);
        var usageFrom = today.AddDays(1 - UsageDays);
        var days = await usage.GetDailyUsageAsync(accountId, usageFrom, today, ct);
        var plan = await onboarding.FindPlanAsync(accountId, ct);
        var open = renewals.FirstOpen(contracts);
        var prediction = open is null
            ? null
            : new RenewalPredictionView(
                await renewals.PredictionOfAsync(open, ct), account.EffectiveTier, account.Owner);
        var nps = await signals.ListNpsResponsesAsync(accountId, RecentItems, null, ct);
        var tickets = await signals.ListSupportTicketsAsync(accountId, openOnly: false, RecentItems, null, ct);
        var touchpoints = await signals.ListTouchpointsAsync(accountId, RecentItems, null, ct);
        var stakeholders = await contacts.OfAccountAsync(accountId, Stakeholders, ct);
        var alerts = await champions.ReadAsync([accountId], ct);
        return new AccountPage(account, current, table, score, usageFrom, days, plan, prediction,
            nps.Items, tickets.Items, touchpoints.Items, today, stakeholders, alerts[accountId].ToArray());
    }
}
