using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Health;

/// <summary>One recorded renewal decision with the account's signals as of its lead day.</summary>
public sealed record FitCase(DateOnly RenewalDate, string ContractId, bool Renewed, AccountSignals Signals);

/// <summary>How a scorecard is fitted.</summary>
/// <param name="HoldoutShare">The share of cases, newest renewal days first, held out (cut on whole renewal
/// days).</param>
/// <param name="MaxUsageMetrics">The most usage-metric components the proposal keeps.</param>
/// <param name="L2">The L2 penalty of the regression (on component scores scaled to 0–1).</param>
public sealed record FitOptions(double HoldoutShare = 0.25, int MaxUsageMetrics = 8, double L2 = 0.01);

/// <summary>A component of the proposal: its weight (the tiers' weights sum to 100) and its own AUC on the fit
/// set.</summary>
public sealed record ProposedComponent(HealthComponentKind Kind, string? Metric, double Weight, double? FitAuc);

/// <summary>
/// A proposed scorecard and how it and the current one ranked renewals above churns, on the fit set and on the holdout
/// (outcomes with an unknown score left out of that scorecard's AUC).
/// </summary>
public sealed record ScorecardProposal(
    Scorecard Scorecard,
    IReadOnlyList<ProposedComponent> Components,
    int FitCount,
    int HoldoutCount,
    DateOnly? HoldoutStart,
    double? CurrentFitAuc,
    double? ProposedFitAuc,
    double? CurrentHoldoutAuc,
    double? ProposedHoldoutAuc);

/// <summary>
/// Fits a scorecard to recorded renewal outcomes, keeping it explainable: the same weighted mean of 0–100 components,
/// with weights learnt instead of set by hand. Cases are split by time on whole renewal days (the newest
/// <see cref="FitOptions.HoldoutShare"/> held out); everything is learnt from the older cases only: each catalogue
/// metric's percentile mapping (its deciles among the fit cases, oriented by the direction in which it separates
/// renewals from churns there) and the weights, from an L2-regularised logistic regression with non-negative weights
/// (<see cref="NonNegativeLogistic"/>) on the component scores of the seven built-in components and every metric. The
/// usage metrics with the largest weight × spread are kept (at most <see cref="FitOptions.MaxUsageMetrics"/>) and the
/// weights refitted on what is kept. The same weights go to every tier; cadences, bands and windows stay the current
/// scorecard's. Both scorecards are then scored on both sets, so the holdout AUC reports cases the fit never saw.
/// </summary>
public static class ScorecardFitter
{
    public const int Deciles = 11;

    public static ScorecardProposal Propose(IReadOnlyList<FitCase> cases, Scorecard current, FitOptions options)
    {
        var (fit, holdout) = SplitOnDays(cases, options.HoldoutShare);
        if (fit.Count(c => c.Renewed) == 0 || fit.All(c => c.Renewed))
            throw new RuleViolationException("NOT_ENOUGH_OUTCOMES",
                $"The fit set ({fit.Count} outcomes before the holdout) needs at least one renewal and one churn.");
        var candidates = Candidates(fit, current);
        var weights = FitWeights(fit, candidates, options.L2);
        var kept = Select(candidates, weights, options.MaxUsageMetrics);
        var keptWeights = FitWeights(fit, kept, options.L2);
        var total = keptWeights.Sum();
        if (!(total > 0))
            throw new RuleViolationException("NO_SEPARATING_COMPONENT",
                "No component ranks renewals above churns on the fit set; the current scorecard stays as it is.");
        var shares = keptWeights.Select(w => Math.Round(100 * w / total, 1)).ToArray();
        var proposed = Build(current, kept, shares);
        var components = kept.Select((c, i) => new ProposedComponent(c.Kind, c.Metric?.Metric, shares[i], c.FitAuc))
            .Where(c => c.Weight > 0).ToArray();
        return new ScorecardProposal(
            proposed, components, fit.Count, holdout.Count, holdout.Count == 0 ? null : holdout[0].RenewalDate,
            AucOf(fit, current), AucOf(fit, proposed), AucOf(holdout, current), AucOf(holdout, proposed));
    }

    /// <summary>
    /// Oldest first, cut between renewal days so that at least <paramref name="holdoutShare"/> of the cases (rounded)
    /// are
    /// held out; a cut that would leave nothing to fit holds out nothing.
    /// </summary>
    public static (IReadOnlyList<FitCase> Fit, IReadOnlyList<FitCase> Holdout) SplitOnDays(
        IReadOnlyList<FitCase> cases, double holdoutShare)
    {
        var sorted = cases.OrderBy(c => c.RenewalDate).ThenBy(c => c.ContractId, StringComparer.Ordinal).ToArray();
        var wanted = (int)Math.Round(sorted.Length * holdoutShare);
        if (wanted == 0) return (sorted, []);
        var cut = sorted.Length - wanted;
        while (cut > 0 && sorted[cut - 1].RenewalDate == sorted[cut].RenewalDate) cut--;
        return cut == 0 ? (sorted, []) : (sorted[..cut], sorted[cut..]);
    }

    /// <summary>The AUC of a scorecard's overall scores over cases with a score; null without both outcomes.</summary>
    public static double? AucOf(IReadOnlyList<FitCase> cases, Scorecard scorecard) =>
        HealthBacktest.Auc(cases
            .Select(c => (Score: HealthScorer.Score(c.Signals, scorecard).Score, c.Renewed))
            .Where(c => c.Score is not null).Select(c => (c.Score!.Value, c.Renewed)).ToArray());

    /// <summary>A component the fit may weigh: a built-in kind, or a usage metric with its fitted mapping.</summary>
    private sealed record Candidate(
        HealthComponentKind Kind, UsageMetricComponent? Metric, double?[] Scores, double? FitAuc);

    /// <summary>Every built-in component's and every catalogue metric's score on each fit case (null: no
    /// data).</summary>
    private static List<Candidate> Candidates(IReadOnlyList<FitCase> fit, Scorecard current)
    {
        var probe = Probe(current);
        var scores = fit.Select(c => HealthScorer.Score(c.Signals, probe)).ToArray();
        var list = new List<Candidate>();
        foreach (var kind in ComponentWeights.Kinds)
        {
            var xs = scores.Select(s => s.Component(kind)?.Score).ToArray();
            list.Add(new Candidate(kind, null, xs, AucOf(xs, fit)));
        }
        var values = fit
            .Select(c => UsageRates.All(c.Signals).ToDictionary(v => v.Metric, v => v.Value, StringComparer.Ordinal))
            .ToArray();
        var metrics = values.SelectMany(v => v.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            var raw = values.Select(v => v.GetValueOrDefault(metric)).ToArray();
            var present = raw.OfType<double>().Order().ToArray();
            if (present.Length < 2) continue;
            var breakpoints = Enumerable.Range(0, Deciles)
                .Select(i => Quantile(present, i / (Deciles - 1.0))).ToArray();
            if (UsageMetricComponent.ExplainBreakpoints(breakpoints) is not null) continue;
            var lowerIsBetter = AucOf(raw, fit) is < 0.5;
            var component = new UsageMetricComponent(metric, 0, 0, 0, breakpoints, lowerIsBetter);
            var xs = raw.Select(x => x is { } v ? component.ScoreOf(v) : (double?)null).ToArray();
            list.Add(new Candidate(HealthComponentKind.UsageMetric, component, xs, AucOf(xs, fit)));
        }
        return list;
    }

    /// <summary>The current scorecard with every built-in component weighted and no usage metric: component scores
    /// only.</summary>
    private static Scorecard Probe(Scorecard current)
    {
        var all = new ComponentWeights(1, 1, 1, 1, 1, 1, 1);
        return current with
        {
            TechTouch = current.TechTouch with { Weights = all },
            LowTouch = current.LowTouch with { Weights = all },
            HighTouch = current.HighTouch with { Weights = all },
            MinimumCompleteness = 0,
            UsageMetrics = null,
        };
    }

    /// <summary>Non-negative weights of the candidates' scores (0–1, a case's gap filled with the column's fit
    /// mean).</summary>
    private static double[] FitWeights(IReadOnlyList<FitCase> fit, IReadOnlyList<Candidate> candidates, double l2)
    {
        var fills = candidates.Select(c => c.Scores.OfType<double>().DefaultIfEmpty(50).Average()).ToArray();
        var x = fit.Select((_, i) => candidates.Select((c, j) => (c.Scores[i] ?? fills[j]) / 100).ToArray()).ToArray();
        return NonNegativeLogistic.Fit(x, fit.Select(c => c.Renewed).ToArray(), l2);
    }

    /// <summary>The built-in components and the usage metrics of largest weight × spread (at most <paramref
    /// name="max"/>).</summary>
    private static List<Candidate> Select(List<Candidate> candidates, double[] weights, int max)
    {
        var metrics = candidates.Select((c, i) => (c, Importance: weights[i] * Spread(c.Scores)))
            .Where(x => x.c.Metric is not null && x.Importance > 0)
            .OrderByDescending(x => x.Importance).ThenBy(x => x.c.Metric!.Metric, StringComparer.Ordinal)
            .Take(max).Select(x => x.c);
        return candidates.Where(c => c.Metric is null).Concat(metrics).ToList();
    }

    private static Scorecard Build(Scorecard current, IReadOnlyList<Candidate> kept, double[] shares)
    {
        double Of(HealthComponentKind kind) =>
            kept.Select((c, i) => (c, i)).Where(x => x.c.Kind == kind).Sum(x => shares[x.i]);
        var weights = new ComponentWeights(
            Of(HealthComponentKind.Engagement), Of(HealthComponentKind.Adoption), Of(HealthComponentKind.Momentum),
            Of(HealthComponentKind.Onboarding), Of(HealthComponentKind.Sentiment), Of(HealthComponentKind.Support),
            Of(HealthComponentKind.Relationship));
        var metrics = kept.Select((c, i) => (c, Share: shares[i]))
            .Where(x => x.c.Metric is not null && x.Share > 0)
            .Select(x => x.c.Metric! with
            {
                TechTouchWeight = x.Share,
                LowTouchWeight = x.Share,
                HighTouchWeight = x.Share,
            })
            .ToArray();
        return current with
        {
            TechTouch = current.TechTouch with { Weights = weights },
            LowTouch = current.LowTouch with { Weights = weights },
            HighTouch = current.HighTouch with { Weights = weights },
            UsageMetrics = metrics,
        };
    }

    private static double? AucOf(IReadOnlyList<double?> xs, IReadOnlyList<FitCase> cases) =>
        HealthBacktest.Auc(xs.Select((x, i) => (x, cases[i].Renewed)).Where(p => p.x is not null)
            .Select(p => (p.x!.Value, p.Renewed)).ToArray());

    private static double Spread(double?[] xs)
    {
        var present = xs.OfType<double>().ToArray();
        if (present.Length < 2) return 0;
        var mean = present.Average();
        return Math.Sqrt(present.Sum(x => (x - mean) * (x - mean)) / present.Length);
    }

    /// <summary>The q-quantile of sorted values, linear between order statistics.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        var at = q * (sorted.Count - 1);
        var low = (int)Math.Floor(at);
        var high = Math.Min(sorted.Count - 1, low + 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
    }
}
