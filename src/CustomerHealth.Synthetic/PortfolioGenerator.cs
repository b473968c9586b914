using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;

namespace CustomerHealth.Synthetic;

/// <summary>
/// Makes a seeded, reproducible portfolio one account at a time (so any size fits in bounded memory).
/// <para>
/// Each account has a hidden latent health h(t) in (0, 1): a mean-reverting random walk in logit space around a level
/// of its own (z' = z + 0.015 (μ − z) + 0.06 ε + drift). Everything observable follows from h: how many seats are used
/// and how often (with weekly seasonality and a ramp over the first weeks, faster for healthy accounts), which key
/// features are adopted, NPS answers, ticket volume, severity and time to close, how often the CSM gets a meeting,
/// manual onboarding milestones, and renewals: at each contract end the account renews with probability σ(6 (h̄ −
/// 0.35)), h̄ being its mean health over the last 60 days, expanding or contracting with its health plus noise;
/// unhealthy accounts spiral down in the four months before a renewal. The numbers are documented in
/// docs/api/demo-and-synthetic-data.md#the-model.
/// </para>
/// </summary>
public static class PortfolioGenerator
{
    private const int TermDays = 365;
    private const int OutcomeDelayDays = 7;
    private const int LeadDays = 90;
    private static readonly string Currency = "USD";

    public static IEnumerable<SyntheticAccount> Generate(PortfolioOptions options)
    {
        if (options.Explain() is { } problem) throw new ArgumentException(problem, nameof(options));
        for (var i = 1; i <= options.Accounts; i++) yield return Account(options, i);
    }

    /// <summary>Account number <paramref name="index"/> (1-based) of the portfolio: depends only on the options and the
    /// index.</summary>
    public static SyntheticAccount Account(PortfolioOptions options, int index) => options.Mix switch
    {
        PortfolioMix.SelfServe => SelfServeModel.Account(options, index),
        PortfolioMix.Mixed when Rng.For(options.Seed, index, Rng.Stream.Business).Chance(options.SelfServeShare) =>
            SelfServeModel.Account(options, index),
        _ => B2bAccount(options, index),
    };

    private static SyntheticAccount B2bAccount(PortfolioOptions options, int index)
    {
        var r = Rng.For(options.Seed, index, Rng.Stream.Profile);
        var id = $"{options.AccountPrefix}{index:D6}";
        // The draws keep their order (profile, life, outcomes, name): the same seed makes the same account.
        var profile = Profile.Draw(r, options);
        var life = Life.Simulate(r, profile, id, options.Today);
        var (contracts, outcomes) = ContractsOf(id, life.Terms, life.Renewals, () => r.Pick(Names.ChurnReasons));
        var account = new Account
        {
            AccountId = id,
            DisplayName = $"{r.Pick(Names.CompanyFirst)} {r.Pick(Names.CompanySecond)} {index}",
            Segment = profile.Tier switch
            {
                CsTier.TechTouch => "SMB",
                CsTier.LowTouch => "Mid-Market",
                _ => "Enterprise",
            },
            CsTier = profile.Tier,
            Owner = profile.Owner,
        };
        return Assemble(options, index, profile, life, account, contracts, outcomes);
    }

    private static SyntheticAccount Assemble(PortfolioOptions options, int index, Profile profile, Life life,
        Account account, Contract[] contracts, RecordRenewalOutcomeRequest[] outcomes)
    {
        var (id, archetype, tier) = (account.AccountId, profile.Archetype, profile.Tier);
        var firstStart = profile.FirstStart;
        var activity = new ActivityModel(options, index, id, archetype, firstStart, life.Health, life.Terms);
        var signals = new SignalModel(options, index, id, archetype, tier, profile.Owner, firstStart, life.Health,
            life.Terms);
        return new SyntheticAccount(activity.Events)
        {
            Index = index,
            AccountId = id,
            Archetype = archetype,
            Tier = tier,
            FirstStart = firstStart,
            ChurnDate = life.ChurnDate,
            Account = account,
            Contracts = contracts,
            Outcomes = outcomes,
            Renewals = life.Renewals,
            NpsResponses = signals.NpsResponses(),
            Tickets = signals.Tickets(),
            Touchpoints = signals.Touchpoints(),
            MilestoneCompletions = signals.MilestoneCompletions(),
            LatentHealth = life.Health,
        };
    }

    /// <summary>
    /// What an account is before anything happens to it: tier, tenure, archetype, first contract, owner.
    /// </summary>
    private sealed record Profile(CsTier Tier, int Tenure, DateOnly FirstStart, Archetype Archetype, double Arr,
        int Seats, string Owner)
    {
        public static Profile Draw(Rng r, PortfolioOptions options)
        {
            var u = r.Next();
            var tier = u < options.TechTouchShare ? CsTier.TechTouch
                : u < options.TechTouchShare + options.HighTouchShare ? CsTier.HighTouch
                : CsTier.LowTouch;
            var tenure = r.Int(1, options.HistoryDays + 1);
            var a = r.Next();
            var archetype = tier == CsTier.TechTouch && a < 0.06 ? Archetype.SmallButEngaged
                : tenure > 400 && a > 0.86 ? Archetype.FadingVeteran
                : a is >= 0.06 and < 0.10 ? Archetype.DetractorChampion
                : Archetype.Typical;
            var arr = archetype == Archetype.SmallButEngaged ? Clamp(r.LogNormal(2_400, 0.3), 1_200, 5_000)
                : tier switch
                {
                    CsTier.TechTouch => Clamp(r.LogNormal(4_500, 0.5), 1_200, 9_900),
                    CsTier.LowTouch => Clamp(r.LogNormal(30_000, 0.6), 10_000, 99_000),
                    _ => Clamp(r.LogNormal(180_000, 0.5), 100_000, 900_000),
                };
            var pricePerSeat = tier switch { CsTier.TechTouch => 480.0, CsTier.LowTouch => 720.0, _ => 1_100.0 };
            var seats = Math.Max(1, (int)Math.Round(arr / pricePerSeat));
            var owner = tier switch
            {
                CsTier.HighTouch => r.Pick(Names.HighTouchCsms),
                CsTier.LowTouch => r.Pick(Names.PooledCsms),
                _ => Names.ScaleTeam,
            };
            return new Profile(tier, tenure, options.Today.AddDays(-tenure), archetype, arr, seats, owner);
        }
    }

    /// <summary>The latent health day by day and the contracts it led to: renewals depend on health, and a churn ends
    /// the account.</summary>
    private sealed record Life(List<double> Health, List<Term> Terms, List<RenewalTruth> Renewals, DateOnly? ChurnDate)
    {
        public static Life Simulate(Rng r, Profile profile, string id, DateOnly today)
        {
            var mu = profile.Archetype switch
            {
                Archetype.FadingVeteran => r.Normal(1.6, 0.4),
                Archetype.SmallButEngaged => r.Normal(2.3, 0.4),
                Archetype.DetractorChampion => r.Normal(0.3, 0.4),
                _ => r.Normal(1.0, 1.1),
            };
            var z = mu + r.Normal(0, 0.5);
            var firstStart = profile.FirstStart;
            var life = new Life(new List<double>(profile.Tenure),
                [new(firstStart, firstStart.AddDays(TermDays), RoundArr(profile.Arr), profile.Seats)], [], null);
            for (var day = firstStart; day < today; day = day.AddDays(1))
            {
                if (day == life.Terms[^1].End && !life.Renew(r, id, day, today, firstStart)) return life.Ended(day, z);
                var drift = 0.0;
                if (profile.Archetype == Archetype.FadingVeteran && day >= today.AddDays(-150)) drift -= 0.02;
                if (z < -0.5 && life.Terms[^1].End.DayNumber - day.DayNumber <= 120) drift -= 0.01;
                z += 0.015 * (mu - z) + 0.06 * r.Normal() + drift;
                life.Health.Add(Sigmoid(z));
            }
            if (life.Terms[^1].End > today)
            {
                var current = life.Terms[^1];
                var (hEnd, hLead, p) = RenewalOdds(life.Health, life.Health.Count);
                life.Renewals.Add(new(current.Id(id, life.Terms.Count), id, current.End, current.Arr, hEnd, hLead, p,
                    null, null));
            }
            return life.Ended(null, z);
        }

        /// <summary>The current term ends on <paramref name="day"/>: renewed (true), churned (false), or undecided
        /// yet (true, nothing recorded).</summary>
        private bool Renew(Rng r, string id, DateOnly day, DateOnly today, DateOnly firstStart)
        {
            var term = Terms[^1];
            var decided = day <= today.AddDays(-OutcomeDelayDays);
            var (hEnd, hLead, p) = RenewalOdds(Health, term.End.DayNumber - firstStart.DayNumber);
            var contractId = term.Id(id, Terms.Count);
            if (!decided)
            {
                Renewals.Add(new(contractId, id, term.End, term.Arr, hEnd, hLead, p, null, null));
                return true;
            }
            if (!r.Chance(p))
            {
                Renewals.Add(new(contractId, id, term.End, term.Arr, hEnd, hLead, p, false, null));
                return false;
            }
            var change = Math.Clamp(0.5 * (hEnd - 0.6) + r.Normal(0, 0.08), -0.4, 0.6);
            if (Math.Abs(change) < 0.03) change = 0;
            var next = new Term(day, day.AddDays(TermDays), RoundArr((double)term.Arr * (1 + change)),
                Math.Max(1, (int)Math.Round(term.Seats * (1 + change))));
            Renewals.Add(new(contractId, id, term.End, term.Arr, hEnd, hLead, p, true, next.Arr));
            Terms.Add(next);
            return true;
        }

        /// <summary>The life as simulated, keeping one day of health for accounts that started yesterday at the
        /// latest.</summary>
        private Life Ended(DateOnly? churnDate, double z)
        {
            if (Health.Count == 0) Health.Add(Sigmoid(z));
            return this with { ChurnDate = churnDate };
        }
    }

    /// <summary>
    /// Health at a term's end, at the lead time before it, and the chance of renewal σ(6 (h̄₆₀ − 0.35)).
    /// </summary>
    private static (double AtEnd, double AtLead, double RenewProbability) RenewalOdds(List<double> health, int endIndex)
    {
        var end = Math.Min(endIndex, health.Count);
        if (end == 0) return (0.5, 0.5, Sigmoid(6 * (0.5 - 0.35)));
        var from = Math.Max(0, end - 60);
        var mean = 0.0;
        for (var i = from; i < end; i++) mean += health[i];
        mean /= end - from;
        var atLead = health[Math.Max(0, end - 1 - LeadDays)];
        return (health[end - 1], atLead, Sigmoid(6 * (mean - 0.35)));
    }

    internal static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static double Clamp(double value, double low, double high) => Math.Clamp(value, low, high);

    internal static decimal RoundArr(double value) =>
        Math.Round((decimal)value / 100m, MidpointRounding.AwayFromZero) * 100m;

    internal static Google.Type.Money Money(decimal amount) => new() { CurrencyCode = Currency, Units = (long)amount };

    internal static Google.Type.Date Date(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    /// <summary>
    /// A generated usage event: its id is the account's, then <paramref name="key"/> (day, user and the event's number
    /// that day), at <paramref name="second"/> of the day (at most its last second).
    /// </summary>
    internal static UsageEvent UsageEvent(
        string accountId, string key, string name, DateOnly day, int second, string userId) => new()
        {
            EventId = $"{accountId}/{key}",
            AccountId = accountId,
            UserId = userId,
            EventName = name,
            OccurTime = At(day, Math.Min(second, 86_399)),
        };

    /// <summary>
    /// A simulated life's terms as the account's contracts, and its decided renewals as outcomes (a renewal names the
    /// next contract). <paramref name="churnNote"/> is drawn as each churn's outcome is made, so the draws keep their
    /// order.
    /// </summary>
    internal static (Contract[] Contracts, RecordRenewalOutcomeRequest[] Outcomes) ContractsOf(
        string id, IEnumerable<Term> terms, IEnumerable<RenewalTruth> renewals, Func<string> churnNote)
    {
        var contracts = terms.Select((t, i) => new Contract
        {
            ContractId = t.Id(id, i + 1),
            AccountId = id,
            Arr = Money(t.Arr),
            Seats = t.Seats,
            StartDate = Date(t.Start),
            EndDate = Date(t.End),
        }).ToArray();
        var outcomes = renewals.Where(x => x.Renewed is not null).Select((x, i) => new RecordRenewalOutcomeRequest
        {
            ContractId = x.ContractId,
            Kind = x.Renewed == true ? RenewalOutcomeKind.Renewed : RenewalOutcomeKind.Churned,
            NewArr = x.Renewed == true ? Money(x.NewArr!.Value) : null,
            DecisionDate = Date(x.EndDate),
            RenewalContractId = x.Renewed == true ? contracts[i + 1].ContractId : "",
            Note = x.Renewed == true ? "" : churnNote(),
        }).ToArray();
        return (contracts, outcomes);
    }

    internal static Timestamp At(DateOnly day, int secondOfDay) =>
        Timestamp.FromDateTime(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddSeconds(secondOfDay));

    internal sealed record Term(DateOnly Start, DateOnly End, decimal Arr, int Seats)
    {
        public string Id(string accountId, int number) => $"{accountId}-c{number}";
    }
}
