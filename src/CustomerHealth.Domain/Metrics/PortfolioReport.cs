using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Metrics;

/// <summary>
/// Portfolio metrics over a period for the accounts a filter selects. Money is in <see cref="Currency"/>; a ratio whose
/// denominator is empty is null (never 0). A contract is <b>active on a day</b> (<see cref="ContractFacts.ActiveOn"/>)
/// from its start up to, not including, its end date or its outcome's decision date, whichever is later; with no
/// outcome recorded it stays active (awaiting its outcome, its ARR neither kept nor lost). An account is active when
/// one of its contracts is.
/// </summary>
/// <param name="Currency">The currency of every amount: the contracts' one currency, or the conversion table's
/// reporting currency; null when there is no contract and no table.</param> <param name="Accounts">Accounts the filter
/// selected, leads and churned ones included.</param> <param name="AccountsByBand">Accounts per health band as of the
/// as-of day, every band listed (0 when none); accounts without a score are not counted.</param> <param
/// name="AccountsByStage">Accounts per lifecycle stage as of the as-of day, every stage listed; accounts without a
/// stage are not counted.</param> <param name="EffectiveAccounts">Accounts that are effective accounts as of the as-of
/// day.</param> <param name="ActiveAccounts">Accounts with at least one contract active on the as-of day.</param>
/// <param name="Arr">
/// <b>ARR</b> = the sum of the ARR of the contracts active on the as-of day. The ARR at the end of one period is the
/// starting ARR of the next one.
/// </param>
/// <param name="MonthlyActiveUsers">
/// Monthly active users as of the as-of day (distinct users active in the 30 days ending on it), summed over the
/// <paramref name="ActiveAccounts"/>.
/// </param>
/// <param name="Arpu">
/// <b>ARPU</b> (annual revenue per active user) = <paramref name="Arr"/> / <paramref name="MonthlyActiveUsers"/>: two
/// point-in-time figures of the same accounts on the same day. Null without active users.
/// </param>
/// <param name="Cohorts">
/// One row per calendar month in which at least one selected account's first contract started, up to the as-of day,
/// oldest first: the months of the last <see cref="PortfolioMetrics.MaxCohortMonths"/> (the as-of day's month
/// included).
/// </param>
public sealed record PortfolioReport(
    ReportingPeriod Period,
    string? Currency,
    int Accounts,
    IReadOnlyDictionary<HealthBand, int> AccountsByBand,
    IReadOnlyDictionary<LifecycleStage, int> AccountsByStage,
    int EffectiveAccounts,
    int ActiveAccounts,
    decimal Arr,
    RevenueRetention Revenue,
    LogoRetention Logos,
    int MonthlyActiveUsers,
    decimal? Arpu,
    Activation Activation,
    OnboardingOnTime Onboarding,
    NetPromoterScore Nps,
    IReadOnlyList<StartCohort> Cohorts)
{
    /// <summary>Days in a year, for annualising a period's churn rate.</summary>
    public const double DaysPerYear = 365.0;

    /// <summary>
    /// <b>ARPA</b> (annual revenue per active account) = <see cref="Arr"/> / <see cref="ActiveAccounts"/>, both as of
    /// the as-of day; null without an active account.
    /// </summary>
    public decimal? Arpa => ActiveAccounts == 0 ? null : Arr / ActiveAccounts;

    /// <summary>
    /// <b>CLV</b> (customer lifetime value, revenue only: no gross margin is known) = ARPA × expected lifetime in
    /// years, the lifetime being 1 / the annualised logo churn rate, annualised linearly from the period's:
    /// CLV = ARPA × (period days / 365) / logo churn rate. Null without ARPA or without a logo lost in the period
    /// (a churn rate of 0 or none: the lifetime is unbounded).
    /// </summary>
    public decimal? CustomerLifetimeValue =>
        Arpa is { } arpa && Logos.ChurnRate is { } churn && churn > 0
            ? arpa * (decimal)(Period.Days / DaysPerYear / churn)
            : null;
}

/// <summary>
/// Revenue retention of the <b>starting cohort</b>: the contracts active on the day before the period starts (they
/// started before the period). A renewal outcome counts when it was decided within the period for a contract of the
/// starting cohort, so every outcome counts once, in the period it was decided, provided its contract started before
/// that period. An outcome counts when it is decided, not when the term ends: a churn decided in November for a term
/// that ends on 1 January is November's churned ARR, and January's ARR falls without a churn of its own. Contracts that
/// start within the period are new business, never expansion: a renewal contract (its ARR change is counted through the
/// outcome of the contract it renews), a new contract of an existing account, or the contract of an account that
/// churned and came back. Each contract counts on its own, also when an account has several. When a renewal contract
/// starts and is itself decided within the same period, only the first outcome counts (the renewal contract is not in
/// the starting cohort): keep periods no longer than the shortest term (a year for annual terms).
/// </summary>
/// <param name="StartingContracts">Contracts in the starting cohort.</param> <param name="StartingArr"><b>Starting
/// ARR</b> = the sum of the ARR of the starting cohort's contracts (the ARR at the end of the previous period).</param>
/// <param name="ExpansionArr"><b>Expansion</b> = the sum, over starting-cohort contracts renewed within the period with
/// more ARR, of new ARR − ARR.</param> <param name="ContractionArr"><b>Contraction</b> = the sum, over starting-cohort
/// contracts renewed within the period with less ARR, of ARR − new ARR.</param> <param name="ChurnedArr"><b>Churned
/// ARR</b> = the sum of the ARR of the starting-cohort contracts churned within the period.</param>
public sealed record RevenueRetention(
    int StartingContracts, decimal StartingArr, decimal ExpansionArr, decimal ContractionArr, decimal ChurnedArr)
{
    /// <summary>
    /// <b>GRR</b> (gross revenue retention) = (starting ARR − contraction − churned ARR) / starting ARR; null when the
    /// starting ARR is 0. Between 0 and 1.
    /// </summary>
    public double? Grr => Ratio.Of(StartingArr - ContractionArr - ChurnedArr, StartingArr);

    /// <summary>
    /// <b>NRR</b> (net revenue retention) = (starting ARR + expansion − contraction − churned ARR) / starting ARR; null
    /// when the starting ARR is 0.
    /// </summary>
    public double? Nrr => Ratio.Of(StartingArr + ExpansionArr - ContractionArr - ChurnedArr, StartingArr);

    /// <summary><b>Expansion MRR</b> = expansion ARR / 12: the same expansion as monthly recurring revenue.</summary>
    public decimal ExpansionMrr => ExpansionArr / 12m;

    /// <summary>
    /// <b>Net revenue churn</b> = (contraction + churned ARR − expansion) / starting ARR = 1 − NRR; negative when
    /// expansion outweighs the losses (net negative churn); null when the starting ARR is 0.
    /// </summary>
    public double? NetRevenueChurn => Ratio.Of(ContractionArr + ChurnedArr - ExpansionArr, StartingArr);
}

/// <summary>
/// Logo retention of the starting cohort. An account is <b>active at the start</b> when it has a contract in the
/// starting cohort. It <b>churned in the period</b> when every one of its starting-cohort contracts has churned by the
/// end of the period, at least one of them within it: losing one of several contracts is churned ARR but not a lost
/// logo. An account that churns and comes back within the period still counts as churned; its new contract is new
/// business.
/// </summary>
/// <param name="StartingAccounts">Accounts active at the start.</param> <param name="ChurnedAccounts">Accounts of those
/// that churned in the period.</param>
public sealed record LogoRetention(int StartingAccounts, int ChurnedAccounts)
{
    /// <summary>
    /// <b>Logo churn rate</b> = accounts churned in the period / accounts active at the start; null when none was
    /// active.
    /// </summary>
    public double? ChurnRate => Ratio.Of(ChurnedAccounts, StartingAccounts);
}

/// <summary>
/// Activation and time to value. The <b>onboarding cohort</b> of the period is the accounts whose 90-day onboarding
/// window closed within it: first contract start + 90 days falls in the period. Every account is judged once, when its
/// outcome is known. <b>Time to value (TTV)</b> = first-value day − first contract start, in days.
/// </summary>
/// <param name="Cohort">Accounts in the onboarding cohort.</param> <param name="Activated">Of those, the accounts that
/// reached first value within 90 days (TTV ≤ 90).</param> <param name="ValueReached">Accounts that reached first value
/// within the period, whatever their TTV.</param>
/// <param name="MedianTimeToValueDays">
/// <b>Median TTV</b> = the median TTV of the accounts that reached first value within the period (the middle value; the
/// mean of the two middle values for an even count); null when none did.
/// </param>
public sealed record Activation(int Cohort, int Activated, int ValueReached, double? MedianTimeToValueDays)
{
    /// <summary><b>Activation rate</b> = activated / onboarding cohort; null for an empty cohort.</summary>
    public double? Rate => Ratio.Of(Activated, Cohort);
}

/// <summary>Onboarding milestones of the period's onboarding cohort (see <see cref="Activation"/>): those due within
/// each plan's first 90 days.</summary> <param name="Due">Milestones due within the first 90 days of the cohort's
/// plans.</param> <param name="OnTime">Of those, the milestones done on or before their due date.</param>
public sealed record OnboardingOnTime(int Due, int OnTime)
{
    /// <summary>
    /// <b>Onboarding on-time rate</b> = milestones done on time / milestones due; null when none was due.
    /// </summary>
    public double? Rate => Ratio.Of(OnTime, Due);
}

/// <summary>
/// NPS answers given within the period: promoters answered 9–10, passives 7–8, detractors 0–6. Every answer counts
/// once.
/// </summary>
public sealed record NetPromoterScore(int Promoters, int Passives, int Detractors)
{
    public int Answers => Promoters + Passives + Detractors;

    /// <summary>
    /// <b>NPS</b> = 100 × (promoters − detractors) / answers, from −100 to 100; null without answers.
    /// </summary>
    public double? Score => Answers == 0 ? null : 100.0 * (Promoters - Detractors) / Answers;
}

/// <summary>
/// The accounts whose first contract started in one calendar month (on or before the as-of day), with their 30-day
/// survival and their retention curve. Cohorts do not depend on the period's start, only on its end (the as-of day).
/// </summary>
/// <param name="Month">The first day of the month.</param> <param name="Accounts">Accounts signed in the month: their
/// first contract started in it.</param> <param name="WindowClosed">Of those, the accounts whose 30-day window has
/// closed by the as-of day (first contract start + 30 ≤ as-of day); the others are not judged yet.</param> <param
/// name="LiveWithin30Days">Of the <paramref name="WindowClosed"/>, the accounts that went live within 30 days (live day
/// − first contract start ≤ 30).</param> <param name="StartingArr">The cohort's <b>starting ARR</b> = the sum of the
/// ARR of its accounts' contracts active on each account's first contract start.</param> <param name="Retention">One
/// point per month end after the start month that has passed by the as-of day.</param>
public sealed record StartCohort(
    DateOnly Month, int Accounts, int WindowClosed, int LiveWithin30Days, decimal StartingArr,
    IReadOnlyList<RetentionPoint> Retention)
{
    /// <summary>
    /// <b>Survival rate</b> = accounts live within 30 days / accounts whose 30-day window has closed; null while no
    /// window has closed.
    /// </summary>
    public double? SurvivalRate => Ratio.Of(LiveWithin30Days, WindowClosed);
}

/// <summary>
/// The cohort <paramref name="MonthsAfterStart"/> months on, measured on <paramref name="On"/>, the last day of that
/// month (0: the last day of the start month; 12: the same month a year later). An account counts when it has a
/// contract active on that day, also when it churned and came back; its ARR is that of all its contracts active then
/// (expansions included).
/// </summary>
/// <param name="ActiveAccounts">Cohort accounts with a contract active on the day.</param> <param name="Arr">The ARR of
/// the cohort's contracts active on the day.</param> <param name="AccountShare"><b>Logo retention</b> = active accounts
/// / the cohort's accounts.</param> <param name="ArrShare"><b>ARR retention</b> = ARR on the day / the cohort's
/// starting ARR (above 1 when expansion outweighs losses); null when the starting ARR is 0.</param>
public sealed record RetentionPoint(
    int MonthsAfterStart, DateOnly On, int ActiveAccounts, decimal Arr, double? AccountShare, double? ArrShare);

internal static class Ratio
{
    public static double? Of(decimal numerator, decimal denominator) =>
        denominator == 0 ? null : (double)(numerator / denominator);
}
