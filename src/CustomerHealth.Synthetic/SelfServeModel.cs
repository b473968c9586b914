using CustomerHealth.V1;

namespace CustomerHealth.Synthetic;

/// <summary>
/// The self-serve, product-led archetype: monthly plans bought in the product, one to five users, no CSM. Its rules,
/// fixed before anything was tuned on its data (docs/api/demo-and-synthetic-data.md#self-serve-accounts):
/// <list type="bullet">
/// <item>Profile: one user (65 %) or 2–5; Starter (12 USD a user a month, 70 %) or Pro (30); ARR = 12 × price × users;
/// signed up on a day drawn uniformly over the history; 15 % are habitual browsers (sign in often, make little).</item>
/// <item>Engagement: a mean-reverting walk in logit space, z' = z + 0.04 (μ − z) + 0.12 ε, μ ~ N(0.2, 0.9).</item>
/// <item>Use: user n (propensity πₙ: the owner 0.8, others U(0,1)^0.7) is active on a day with probability
/// q = week · σ(−0.3 + 1.5 z + b + (πₙ − 0.5)), week 0.5 on weekends, b 1 for a habitual browser; an active user
/// signs in and makes Poisson(λₖ) events of each kind k, λₖ = exp(cₖ + bₖ z + aₖ), aₖ ~ N(0, 0.5) the account's own
/// taste for each kind (−1.5 more for reports and automations of a habitual browser).</item>
/// <item>Renewal, at the end of each monthly term: renews with probability σ(−0.3 + 0.9 ln(1 + R_report) + 0.7 ln(1 +
/// R_automation) + 0.4 ln(1 + R_dashboard) − 0.6 [first renewal] − 0.3 [second]), R = the expected events of that kind
/// per user over the term's last 28 days (from q and λ, not the drawn counts). Sign-ins, comments, integrations and
/// exports do not enter: churn follows the rates of the kinds that create value, not activity or seats. Outcomes are
/// recorded two days after the renewal date; a churned account goes quiet.</item>
/// <item>NPS, tickets and touchpoints as for a tech-touch B2B account (<see cref="SignalModel"/>), with σ(z) as its
/// health.</item>
/// </list>
/// The ground truth's latent health is σ(z); its renewal probability the one above.
/// </summary>
internal static class SelfServeModel
{
    private const int OutcomeDelayDays = 2;
    private const int LeadDays = 90;
    private const int RateWindowDays = 28;

    /// <summary>The event kinds beside sign-ins: (name, cₖ = ln of the rate per active day at z = 0, bₖ).</summary>
    internal static readonly (string Name, double Log, double Slope)[] Kinds =
    [
        ("report_created", Math.Log(0.6), 0.7),
        ("dashboard_shared", Math.Log(0.25), 0.5),
        ("integration_synced", Math.Log(0.3), 0.2),
        ("automation_created", Math.Log(0.08), 0.8),
        ("export_scheduled", Math.Log(0.15), 0.3),
        (SyntheticCatalogue.CommentAdded, Math.Log(0.4), 0.3),
    ];

    private const int Report = 0, Dashboard = 1, Automation = 3;

    public static SyntheticAccount Account(PortfolioOptions options, int index)
    {
        var r = Rng.For(options.Seed, index, Rng.Stream.Profile);
        var id = $"{options.AccountPrefix}{index:D6}";
        var profile = SelfServeProfile.Draw(r, options);
        var life = SelfServeLife.Simulate(r, profile, id, options.Today);
        var (contracts, outcomes) = PortfolioGenerator.ContractsOf(
            id, life.Terms, life.Renewals, () => r.Pick(SelfServeChurnReasons));
        var account = new Account
        {
            AccountId = id,
            DisplayName = $"{r.Pick(Names.CompanyFirst)} {r.Pick(Names.CompanySecond)} {index}",
            Segment = "Self-serve",
            CsTier = CsTier.TechTouch,
            Owner = Names.ScaleTeam,
        };
        var health = life.Z.Select(PortfolioGenerator.Sigmoid).ToList();
        var signals = new SignalModel(options, index, id, profile.Archetype, CsTier.TechTouch, Names.ScaleTeam,
            profile.FirstStart, health, life.Terms);
        var activity = new SelfServeActivity(options, index, id, profile, life.Z);
        return new SyntheticAccount(activity.Events)
        {
            Index = index,
            AccountId = id,
            Archetype = profile.Archetype,
            Tier = CsTier.TechTouch,
            FirstStart = profile.FirstStart,
            ChurnDate = life.ChurnDate,
            Account = account,
            Contracts = contracts,
            Outcomes = outcomes,
            Renewals = life.Renewals,
            NpsResponses = signals.NpsResponses(),
            Tickets = signals.Tickets(),
            Touchpoints = signals.Touchpoints(),
            MilestoneCompletions = [],
            LatentHealth = health,
        };
    }

    private static readonly string[] SelfServeChurnReasons =
        ["Cancelled in the app", "Card declined", "Switched to a free tool", "No longer needed", "Too expensive"];

    /// <summary>The probability user n is active on a day, from the account's engagement z that day.</summary>
    internal static double ActiveChance(SelfServeProfile p, double z, int user, DateOnly day) =>
        (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.5 : 1.0)
        * PortfolioGenerator.Sigmoid(-0.3 + 1.5 * z + p.ActivityBoost + (p.Propensity[user] - 0.5));

    /// <summary>The expected events of kind k an active user makes on a day.</summary>
    internal static double Rate(SelfServeProfile p, int kind, double z) =>
        Math.Exp(Kinds[kind].Log + Kinds[kind].Slope * z + p.Taste[kind]);

    /// <summary>
    /// The true chance of renewing a term that ends on the day of index <paramref name="end"/> (days since the first
    /// start), with <paramref name="renewals"/> renewals before it.
    /// </summary>
    internal static double RenewProbability(SelfServeProfile p, IReadOnlyList<double> z, int end, int renewals)
    {
        var expected = new double[Kinds.Length];
        for (var t = Math.Max(0, end - RateWindowDays); t < end; t++)
        {
            var day = p.FirstStart.AddDays(t);
            for (var n = 1; n <= p.Seats; n++)
            {
                var q = ActiveChance(p, z[t], n, day);
                foreach (var k in new[] { Report, Dashboard, Automation }) expected[k] += q * Rate(p, k, z[t]);
            }
        }
        double PerUser(int k) => Math.Log(1 + expected[k] / p.Seats);
        var logit = -0.3 + 0.9 * PerUser(Report) + 0.7 * PerUser(Automation) + 0.4 * PerUser(Dashboard)
            - (renewals == 0 ? 0.6 : renewals == 1 ? 0.3 : 0);
        return PortfolioGenerator.Sigmoid(logit);
    }

    /// <summary>The account before anything happens to it.</summary>
    internal sealed record SelfServeProfile(
        DateOnly FirstStart, int Tenure, Archetype Archetype, int Seats, decimal Arr, double Mu, double ActivityBoost,
        double[] Propensity, double[] Taste)
    {
        public static SelfServeProfile Draw(Rng r, PortfolioOptions options)
        {
            var seats = r.Chance(0.65) ? 1 : r.Int(2, 6);
            var price = r.Chance(0.3) ? 30m : 12m;
            var tenure = r.Int(1, options.HistoryDays + 1);
            var browser = r.Chance(0.15);
            var propensity = new double[seats + 1];
            propensity[1] = 0.8;
            for (var n = 2; n <= seats; n++) propensity[n] = Math.Pow(r.Next(), 0.7);
            var taste = Kinds.Select(_ => r.Normal(0, 0.5)).ToArray();
            if (browser)
            {
                taste[Report] -= 1.5;
                taste[Automation] -= 1.5;
            }
            return new SelfServeProfile(
                options.Today.AddDays(-tenure), tenure, browser ? Archetype.HabitualBrowser : Archetype.SelfServe,
                seats, 12m * price * seats, r.Normal(0.2, 0.9), browser ? 1.0 : 0.0, propensity, taste);
        }
    }

    /// <summary>Engagement day by day, the monthly terms it led to, and their renewals.</summary>
    private sealed record SelfServeLife(
        List<double> Z, List<PortfolioGenerator.Term> Terms, List<RenewalTruth> Renewals, DateOnly? ChurnDate)
    {
        public static SelfServeLife Simulate(Rng r, SelfServeProfile p, string id, DateOnly today)
        {
            var z = p.Mu + r.Normal(0, 0.5);
            var life = new SelfServeLife(new List<double>(p.Tenure),
                [new(p.FirstStart, p.FirstStart.AddMonths(1), p.Arr, p.Seats)], [], null);
            for (var day = p.FirstStart; day < today; day = day.AddDays(1))
            {
                if (day == life.Terms[^1].End && !life.Renew(r, p, id, day, today)) return life.Ended(day, z);
                z += 0.04 * (p.Mu - z) + 0.12 * r.Normal();
                life.Z.Add(z);
            }
            if (life.Z.Count == 0) life.Z.Add(z);
            if (life.Terms[^1].End > today) life.Renewals.Add(life.Truth(p, id, null));
            return life;
        }

        private bool Renew(Rng r, SelfServeProfile p, string id, DateOnly day, DateOnly today)
        {
            if (day > today.AddDays(-OutcomeDelayDays))
            {
                Renewals.Add(Truth(p, id, null));
                return true;
            }
            var truth = Truth(p, id, false);
            if (!r.Chance(truth.RenewProbability))
            {
                Renewals.Add(truth);
                return false;
            }
            var term = Terms[^1];
            Renewals.Add(truth with { Renewed = true, NewArr = term.Arr });
            Terms.Add(term with { Start = day, End = day.AddMonths(1) });
            return true;
        }

        /// <summary>The truth about the current term, its outcome as given.</summary>
        private RenewalTruth Truth(SelfServeProfile p, string id, bool? renewed)
        {
            var term = Terms[^1];
            var end = Math.Min(term.End.DayNumber - p.FirstStart.DayNumber, Z.Count);
            double At(int i) => PortfolioGenerator.Sigmoid(Z.Count == 0 ? p.Mu : Z[Math.Clamp(i, 0, Z.Count - 1)]);
            var probability = Z.Count == 0 ? PortfolioGenerator.Sigmoid(-0.9) : RenewProbability(p, Z, end,
                Terms.Count - 1);
            return new RenewalTruth(term.Id(id, Terms.Count), id, term.End, term.Arr, At(end - 1),
                At(end - 1 - LeadDays), probability, renewed, null);
        }

        private SelfServeLife Ended(DateOnly churn, double z)
        {
            if (Z.Count == 0) Z.Add(z);
            return this with { ChurnDate = churn };
        }
    }
}
