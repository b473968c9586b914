using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Metrics;

/// <summary>
/// Computes portfolio metrics: a pure function of (inputs, period, filter, conversion table); the as-of day is the
/// period's last day and nothing dated after it is used. The filter is applied first: every figure is about the
/// selected accounts and their contracts. Money is added in one currency: contracts in several currencies are an error
/// (<c>MIXED_CURRENCIES</c>) unless a conversion table turns each into the reporting currency. The definitions are on
/// <see cref="PortfolioReport"/> and the records it holds.
/// </summary>
public static class PortfolioMetrics
{
    /// <summary>
    /// The onboarding window: first value within this many days of the first contract's start is an activation.
    /// </summary>
    public const int OnboardingWindowDays = 90;

    /// <summary>
    /// A signed account survives when it goes live within this many days of its first contract's start.
    /// </summary>
    public const int SurvivalWindowDays = 30;

    /// <summary>
    /// How many months of start cohorts a report lists: those of the as-of day's month and the 119 before it, so a
    /// report holds at most 120 cohorts of at most 120 retention points, whatever the as-of day.
    /// </summary>
    public const int MaxCohortMonths = 120;

    /// <summary>
    /// In the <b>onboarding cohort</b> of <paramref name="period"/>: the account's 90-day onboarding window closed
    /// within it (first contract start + 90 days in the period), so its onboarding outcome is known and judged once.
    /// </summary>
    public static bool InOnboardingCohort(DateOnly? firstContractStart, ReportingPeriod period) =>
        firstContractStart is { } start && period.Contains(start.AddDays(OnboardingWindowDays));

    /// <summary>
    /// The first contract starts of the onboarding cohort of <paramref name="period"/>, both counted (see <see
    /// cref="InOnboardingCohort"/>).
    /// </summary>
    public static (DateOnly From, DateOnly To) OnboardingCohortStarts(ReportingPeriod period) =>
        (period.Start.AddDays(-OnboardingWindowDays), period.End.AddDays(-OnboardingWindowDays));

    /// <exception cref="ValidationException">An input row, or the conversion table, is malformed.</exception>
    /// <exception cref="RuleViolationException">The selected contracts are in several currencies without a conversion
    /// table, or the table lacks one of them.</exception>
    public static PortfolioReport Compute(
        PortfolioInputs inputs, ReportingPeriod period, PortfolioFilter? filter = null,
        CurrencyConversion? conversion = null)
    {
        Validate(inputs, conversion);
        filter ??= PortfolioFilter.All;
        var accounts = inputs.Accounts.Where(filter.Matches).ToArray();
        var position = new Dictionary<string, int>(accounts.Length, StringComparer.Ordinal);
        for (var i = 0; i < accounts.Length; i++) position.Add(accounts[i].AccountId, i);
        var contracts = inputs.Contracts.Where(c => position.ContainsKey(c.AccountId)).ToArray();
        var (currency, rate) = ReportingCurrency(contracts, conversion);
        // Every selected contract, amounts in the reporting currency, grouped by account (in the accounts' order) and
        // in start order within an account (ties in input order); each account's contracts are a slice of them, at the
        // account's position.
        var order = new (int Account, int Start, int Index)[contracts.Length];
        for (var i = 0; i < contracts.Length; i++) order[i] = (position[contracts[i].AccountId],
            contracts[i].Start.DayNumber, i);
        Array.Sort(order);
        var lines = new Line[contracts.Length];
        var contractsOf = new ArraySegment<Line>[accounts.Length];
        Array.Fill(contractsOf, ArraySegment<Line>.Empty);
        for (int i = 0, first = 0; i < order.Length; i++)
        {
            var c = contracts[order[i].Index];
            lines[i] = new Line(c, c.Arr.Amount * rate(c.Arr.Currency), (c.NewArr ?? 0m) * rate(c.Arr.Currency));
            if (i + 1 == order.Length || order[i + 1].Account != order[i].Account)
            {
                contractsOf[order[i].Account] = new ArraySegment<Line>(lines, first, i + 1 - first);
                first = i + 1;
            }
        }

        var asOf = period.End;
        var activeAtEnd = contractsOf.Select(c => c.Any(l => l.Facts.ActiveOn(asOf))).ToArray();
        var arr = lines.Where(l => l.Facts.ActiveOn(asOf)).Sum(l => l.Arr);
        var activeUsers = accounts.Where((_, i) => activeAtEnd[i]).Sum(a => a.MonthlyActiveUsers);
        var onboardingCohort = accounts.Where(a => InOnboardingCohort(a.FirstContractStart, period)).ToArray();

        return new PortfolioReport(
            period,
            currency,
            accounts.Length,
            CountBy(filter.ChurnedInBands ? accounts : [.. accounts.Where(a => a.Stage != LifecycleStage.Churned)],
                a => a.Band),
            CountBy(accounts, a => a.Stage),
            accounts.Count(a => a.Effective),
            activeAtEnd.Count(active => active),
            arr,
            RevenueOf(lines, period),
            LogosOf(contractsOf, period),
            activeUsers,
            activeUsers == 0 ? null : arr / activeUsers,
            ActivationOf(accounts, onboardingCohort, period),
            new OnboardingOnTime(
                onboardingCohort.Sum(a => a.MilestonesDue), onboardingCohort.Sum(a => a.MilestonesOnTime)),
            NpsOf(accounts),
            CohortsOf(accounts, contractsOf, asOf));
    }

    /// <summary>A contract with its amounts in the reporting currency.</summary>
    private readonly record struct Line(ContractFacts Facts, decimal Arr, decimal NewArr)
    {
        /// <summary>In the starting cohort: active on the day before the period.</summary>
        public bool StartsIn(ReportingPeriod period) => Facts.ActiveOn(period.Opening);

        public bool DecidedWithin(ReportingPeriod period) =>
            Facts.Outcome != RenewalOutcomeKind.Unspecified && Facts.DecidedOn is { } on && period.Contains(on);
    }

    private static RevenueRetention RevenueOf(Line[] lines, ReportingPeriod period)
    {
        var (count, starting, expansion, contraction, churned) = (0, 0m, 0m, 0m, 0m);
        foreach (var line in lines.Where(l => l.StartsIn(period)))
        {
            count++;
            starting += line.Arr;
            if (!line.DecidedWithin(period)) continue;
            if (line.Facts.Outcome == RenewalOutcomeKind.Churned) churned += line.Arr;
            else if (line.NewArr > line.Arr) expansion += line.NewArr - line.Arr;
            else contraction += line.Arr - line.NewArr;
        }
        return new RevenueRetention(count, starting, expansion, contraction, churned);
    }

    private static LogoRetention LogosOf(ArraySegment<Line>[] contractsOf, ReportingPeriod period)
    {
        var (starting, churned) = (0, 0);
        foreach (var contracts in contractsOf)
        {
            var (inCohort, allChurned, churnedWithin) = (false, true, false);
            foreach (var line in contracts)
            {
                if (!line.StartsIn(period)) continue;
                inCohort = true;
                allChurned &= line.Facts.Outcome == RenewalOutcomeKind.Churned && line.Facts.DecidedBy(period.End);
                churnedWithin |= line.DecidedWithin(period);
            }
            if (!inCohort) continue;
            starting++;
            if (allChurned && churnedWithin) churned++;
        }
        return new LogoRetention(starting, churned);
    }

    private static Activation ActivationOf(
        AccountFacts[] accounts, AccountFacts[] onboardingCohort, ReportingPeriod period)
    {
        var activated = onboardingCohort.Count(a => TimeToValue(a) <= OnboardingWindowDays);
        var reached = accounts.Where(a => a.FirstValueOn is { } on && period.Contains(on))
            .Select(a => TimeToValue(a)!.Value).Order().ToArray();
        double? median = reached.Length == 0 ? null
            : reached.Length % 2 == 1 ? reached[reached.Length / 2]
            : (reached[reached.Length / 2 - 1] + reached[reached.Length / 2]) / 2.0;
        return new Activation(onboardingCohort.Length, activated, reached.Length, median);
    }

    private static int? TimeToValue(AccountFacts a) =>
        a is { FirstValueOn: { } value, FirstContractStart: { } start } ? value.DayNumber - start.DayNumber : null;

    private static NetPromoterScore NpsOf(AccountFacts[] accounts)
    {
        int promoters = 0, passives = 0, detractors = 0;
        foreach (var score in accounts.SelectMany(a => a.NpsScores))
        {
            switch (NpsResponse.Categorize(score))
            {
                case NpsCategory.Promoter: promoters++; break;
                case NpsCategory.Passive: passives++; break;
                default: detractors++; break;
            }
        }
        return new NetPromoterScore(promoters, passives, detractors);
    }

    /// <summary>The cohorts of the <see cref="MaxCohortMonths"/> months up to the as-of day's, which bounds the
    /// report's size.</summary>
    private static StartCohort[] CohortsOf(AccountFacts[] accounts, ArraySegment<Line>[] contractsOf, DateOnly asOf) =>
        Enumerable.Range(0, accounts.Length)
            .Where(i => accounts[i].FirstContractStart <= asOf
                && accounts[i].FirstContractStart >= FirstCohortMonth(asOf))
            .GroupBy(
                i => new DateOnly(
                    accounts[i].FirstContractStart!.Value.Year, accounts[i].FirstContractStart!.Value.Month, 1))
            .OrderBy(g => g.Key)
            .Select(g => CohortOf(g.Key, g.Select(i => (accounts[i], contractsOf[i])).ToArray(), asOf))
            .ToArray();

    private static DateOnly FirstCohortMonth(DateOnly asOf) =>
        new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(1 - MaxCohortMonths);

    private static StartCohort CohortOf(
        DateOnly month, (AccountFacts Account, ArraySegment<Line> Contracts)[] members, DateOnly asOf)
    {
        // Point n is the last day of the n-th month after the start month; it exists once that day is on or before the
        // as-of day.
        var first = MonthNumber(month);
        var count = MonthNumber(asOf) - first + (asOf.AddDays(1).Day == 1 ? 1 : 0);
        // A contract is active on the month ends n with MonthNumber(Start) ≤ first + n < MonthNumber(ActiveUntil): a
        // run of points, added to running totals as a difference (+ where the run begins, − where it ends).
        var accountChange = new int[count + 1];
        var arrChange = new decimal[count + 1];
        int windowClosed = 0, live = 0;
        var startingArr = 0m;
        foreach (var (account, contracts) in members)
        {
            var start = account.FirstContractStart!.Value;
            if (start.AddDays(SurvivalWindowDays) <= asOf)
            {
                windowClosed++;
                if (account.LiveOn <= start.AddDays(SurvivalWindowDays)) live++;
            }
            // the points up to here already count the account: it counts once where its contracts overlap
            var covered = 0;
            foreach (var line in contracts)
            {
                if (line.Facts.ActiveOn(start)) startingArr += line.Arr;
                var (from, to) = RunOf(line.Facts, first, count);
                if (from >= to) continue;
                arrChange[from] += line.Arr;
                arrChange[to] -= line.Arr;
                from = Math.Max(from, covered);
                if (from >= to) continue;
                accountChange[from]++;
                accountChange[to]--;
                covered = to;
            }
        }

        var points = new RetentionPoint[count];
        var (active, arrOn) = (0, 0m);
        for (var n = 0; n < count; n++)
        {
            (active, arrOn) = (active + accountChange[n], arrOn + arrChange[n]);
            points[n] = new RetentionPoint(
                n, month.AddMonths(n + 1).AddDays(-1), active, arrOn, Ratio.Of(active, members.Length),
                Ratio.Of(arrOn, startingArr));
        }
        return new StartCohort(month, members.Length, windowClosed, live, startingArr, points);
    }

    /// <summary>The points [From, To) of a cohort's curve on which the contract is active.</summary>
    private static (int From, int To) RunOf(ContractFacts contract, int firstMonth, int count) =>
        (Math.Max(0, MonthNumber(contract.Start) - firstMonth),
         contract.ActiveUntil is { } until ? Math.Min(count, MonthNumber(until) - firstMonth) : count);

    private static int MonthNumber(DateOnly day) => day.Year * 12 + day.Month - 1;

    private static Dictionary<T, int> CountBy<T>(AccountFacts[] accounts, Func<AccountFacts, T?> key) where T : struct,
        Enum
    {
        var counts = Enum.GetValues<T>().Where(v => !v.Equals(default(T))).ToDictionary(v => v, _ => 0);
        foreach (var account in accounts)
        {
            if (key(account) is { } value && counts.ContainsKey(value)) counts[value]++;
        }
        return counts;
    }

    private static (string? Currency, Func<string, decimal> Rate) ReportingCurrency(
        ContractFacts[] contracts, CurrencyConversion? conversion)
    {
        var currencies = contracts.Select(c => c.Arr.Currency).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToArray();
        if (conversion is null)
        {
            if (currencies.Length > 1)
            {
                throw new RuleViolationException(
                    "MIXED_CURRENCIES",
                    $"The selected contracts are in {currencies.Length} currencies " +
                    $"({string.Join(", ", currencies)}); portfolio metrics add money in one "
                    + "currency. Narrow the filter to accounts of one currency, or configure a conversion table to a " +
                    "reporting currency.",
                    new Dictionary<string, string> { ["currencies"] = string.Join(",", currencies) });
            }
            return (currencies.SingleOrDefault(), _ => 1m);
        }
        var missing = currencies.Where(c => conversion.RateOf(c) is null).ToArray();
        if (missing.Length > 0)
        {
            throw new RuleViolationException(
                "EXCHANGE_RATE_MISSING",
                $"The conversion table to {conversion.ReportingCurrency} has no rate for " +
                $"{string.Join(", ", missing)}; it needs one for every currency of the selected contracts.",
                new Dictionary<string, string>
                {
                    ["currencies"] = string.Join(",", missing),
                    ["reporting_currency"] = conversion.ReportingCurrency
                });
        }
        return (conversion.ReportingCurrency, c => conversion.RateOf(c)!.Value);
    }

    private static void Validate(PortfolioInputs inputs, CurrencyConversion? conversion)
    {
        var v = new Violations();
        var accountIds = ValidateAccounts(inputs, v);
        ValidateContracts(inputs, accountIds, v);
        if (conversion is not null) ValidateConversion(conversion, v);
        v.ThrowIfAny();
    }

    /// <summary>Checks the account rows; returns their ids.</summary>
    private static HashSet<string> ValidateAccounts(PortfolioInputs inputs, Violations v)
    {
        var accountIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Accounts.Count; i++)
        {
            var (a, f) = (inputs.Accounts[i], new RowPath("accounts", i));
            if (string.IsNullOrEmpty(a.AccountId)) v.Add($"{f}.account_id", "is required");
            else if (!accountIds.Add(a.AccountId)) v.Add($"{f}.account_id", $"'{a.AccountId}' appears more than once");
            if (a.FirstValueOn is { } value && !(a.FirstContractStart <= value))
                v.Add($"{f}.first_value_on", "must not be before the first contract start, and needs one");
            if (a.MilestonesDue < 0) v.Add($"{f}.milestones_due", "must be zero or more");
            if (a.MilestonesOnTime < 0 || a.MilestonesOnTime > a.MilestonesDue)
                v.Add($"{f}.milestones_on_time", $"must be between 0 and the milestones due ({a.MilestonesDue})");
            if (a.MonthlyActiveUsers < 0) v.Add($"{f}.monthly_active_users", "must be zero or more");
            if (a.NpsScores.Any(s => s is < 0 or > 10)) v.Add($"{f}.nps_scores", "must each be between 0 and 10");
        }
        return accountIds;
    }

    private static void ValidateContracts(PortfolioInputs inputs, HashSet<string> accountIds, Violations v)
    {
        var contractIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Contracts.Count; i++)
        {
            var (c, f) = (inputs.Contracts[i], new RowPath("contracts", i));
            if (string.IsNullOrEmpty(c.ContractId)) v.Add($"{f}.contract_id", "is required");
            else if (!contractIds.Add(c.ContractId)) v.Add(
                $"{f}.contract_id", $"'{c.ContractId}' appears more than once");
            if (!accountIds.Contains(c.AccountId)) v.Add(
                $"{f}.account_id", $"'{c.AccountId}' is not among the accounts");
            if (!Currencies.IsKnown(c.Arr.Currency)) v.Add(
                $"{f}.arr.currency_code", $"'{c.Arr.Currency}' is not an active ISO 4217 code");
            if (c.Arr.Amount < 0) v.Add($"{f}.arr", "must be zero or more");
            if (c.End <= c.Start) v.Add($"{f}.end_date", "must be after the start date");
            ValidateOutcome(c, f, v);
        }
    }

    private static void ValidateOutcome(ContractFacts c, RowPath f, Violations v)
    {
        switch (c.Outcome)
        {
            case RenewalOutcomeKind.Unspecified:
                if (c.NewArr is not null || c.DecidedOn is not null) v.Add(
                    $"{f}.outcome", "is required with a new ARR or a decision date");
                break;
            case RenewalOutcomeKind.Renewed:
                if (c.NewArr is not >= 0) v.Add(
                    $"{f}.new_arr", "is required, zero or more, when the contract renewed");
                if (c.DecidedOn is null) v.Add($"{f}.decided_on", "is required with an outcome");
                break;
            case RenewalOutcomeKind.Churned:
                if (c.NewArr is not (null or 0m)) v.Add(
                    $"{f}.new_arr", "must be empty or zero when the contract churned");
                if (c.DecidedOn is null) v.Add($"{f}.decided_on", "is required with an outcome");
                break;
            default:
                v.Add($"{f}.outcome", "must be RENEWED, CHURNED or unspecified");
                break;
        }
    }

    private static void ValidateConversion(CurrencyConversion conversion, Violations v)
    {
        if (!Currencies.IsKnown(conversion.ReportingCurrency))
            v.Add(
                "conversion.reporting_currency",
                $"'{conversion.ReportingCurrency}' is not an active ISO 4217 code");
        foreach (var (currency, rate) in conversion.Rates)
        {
            if (!Currencies.IsKnown(currency)) v.Add(
                $"conversion.rates[{currency}]", $"'{currency}' is not an active ISO 4217 code");
            if (rate <= 0) v.Add($"conversion.rates[{currency}]", "must be above zero");
            else if (currency == conversion.ReportingCurrency && rate != 1m) v.Add(
                $"conversion.rates[{currency}]", "must be 1 for the reporting currency");
        }
    }

    /// <summary>A row's field path, such as <c>contracts[3].end_date</c>, formatted only for a violation.</summary>
    private readonly record struct RowPath(string List, int Index)
    {
        public override string ToString() => $"{List}[{Index}]";
    }
}
