using System.Globalization;
using CustomerHealth.V1;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Issue 6, score quality, on a synthetic portfolio with ground truth: (i) the Spearman rank correlation of every
/// stored health score (computed, not an override; unknown scores left out) with the account's latent health
/// (accounts.csv: mean over its last 30 days as a customer), for all accounts and for those still customers; (ii) the
/// <c>BacktestHealthScores</c> answer: AUC of the score <c>--lead-days</c> before each recorded renewal, and the
/// renewal rate per band. Everything is read through the public API of the real server in this process.
/// </summary>
internal static class ScoreQualityReport
{
    public static async Task<int> RunAsync(ModeOptions options, TextWriter log, CancellationToken ct)
    {
        var database = options.Database!;
        var truth = ReadTruth(Path.Combine(options.Truth!, "accounts.csv"));
        log.WriteLine($"Ground truth: {truth.Count:N0} accounts in {Path.GetFullPath(options.Truth!)}. "
            + $"Database: {database.Description}. Load average: {Machine.LoadAverage()}");
        await using var server = await InProcessServer.StartAsync(database.ServerSettings, ct,
            ExistingDatabase.HealthOptionsOnly(500));
        var health = new HealthService.HealthServiceClient(server.Channel);
        if (options.Recompute) await RecomputeAsync(health, log, ct);
        var scores = await ReadScoresAsync(health, ct);
        WriteCorrelations(truth, scores, log);
        var backtestRequest = await BacktestAsync(health, options, log, ct);
        if (options.Propose) await ProposeAsync(health, backtestRequest, log, ct);
        log.WriteLine($"Load average at the end: {Machine.LoadAverage()}.");
        return 0;
    }

    private static DateTime LongCall() => DateTime.UtcNow.AddHours(1);

    private static async Task RecomputeAsync(HealthService.HealthServiceClient health, TextWriter log,
        CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] RecomputeHealthScores for {today:yyyy-MM-dd}…");
        var done = await health.RecomputeHealthScoresAsync(
            new RecomputeHealthScoresRequest
            {
                AsOfDate = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day },
            },
            deadline: LongCall(), cancellationToken: ct);
        log.WriteLine($"  {done.AccountCount:N0} accounts scored as of {done.AsOf.ToDateTime():u}.");
    }

    /// <summary>(i) Every stored score, paged by account id.</summary>
    private static async Task<Dictionary<string, (double? Score, HealthBand Band)>> ReadScoresAsync(
        HealthService.HealthServiceClient health, CancellationToken ct)
    {
        var scores = new Dictionary<string, (double? Score, HealthBand Band)>(StringComparer.Ordinal);
        var token = "";
        do
        {
            var page = await health.ListHealthScoresAsync(
                new ListHealthScoresRequest { PageSize = 1000, PageToken = token }, deadline: LongCall(),
                cancellationToken: ct);
            foreach (var s in page.Scores) scores[s.AccountId] = (s.HasScore ? s.Score : null, s.Band);
            token = page.NextPageToken;
        } while (token.Length > 0);
        return scores;
    }

    private static void WriteCorrelations(Dictionary<string, (double? Latent, bool Customer)> truth,
        Dictionary<string, (double? Score, HealthBand Band)> scores, TextWriter log)
    {
        var c = CultureInfo.InvariantCulture;
        var pairs = truth
            .Where(t => t.Value.Latent is not null && scores.TryGetValue(t.Key, out var s) && s.Score is not null)
            .Select(t => (Score: scores[t.Key].Score!.Value, Latent: t.Value.Latent!.Value, t.Value.Customer))
            .ToArray();
        var customers = pairs.Where(p => p.Customer).ToArray();
        var unknown = scores.Count(s => s.Value.Score is null);
        static double Rho((double Score, double Latent, bool Customer)[] xs) =>
            Spearman(xs.Select(p => p.Score).ToArray(), xs.Select(p => p.Latent).ToArray());
        log.WriteLine();
        log.WriteLine($"Machine: {Machine.Describe()}. Load average: {Machine.LoadAverage()}.");
        log.WriteLine();
        log.WriteLine("Score against latent health (accounts.csv mean_latent_health_30d), Spearman rank correlation "
            + "(ties ranked by their mean):");
        log.WriteLine();
        log.WriteLine("| accounts | pairs | Spearman ρ |");
        log.WriteLine("| --- | ---: | ---: |");
        log.WriteLine(string.Create(c, $"| every account with a known score | {pairs.Length:N0} | {Rho(pairs):N3} |"));
        log.WriteLine(string.Create(c,
            $"| still customers (no churn date) | {customers.Length:N0} | {Rho(customers):N3} |"));
        log.WriteLine();
        var bands = string.Join(", ", scores.GroupBy(s => s.Value.Band).OrderBy(g => g.Key)
            .Select(g => $"{g.Key} {g.Count():N0}"));
        log.WriteLine(string.Create(c,
            $"{scores.Count:N0} stored scores, {unknown:N0} unknown (too little data); bands: {bands}."));
    }

    /// <summary>(ii) The backtest, as the RPC answers it.</summary>
    private static async Task<BacktestHealthScoresRequest> BacktestAsync(HealthService.HealthServiceClient health,
        ModeOptions options, TextWriter log, CancellationToken ct)
    {
        var c = CultureInfo.InvariantCulture;
        log.WriteLine();
        var request = new BacktestHealthScoresRequest { LeadDays = options.LeadDays };
        if (options.RenewalStart is { } from)
            request.RenewalStartDate = new Google.Type.Date { Year = from.Year, Month = from.Month, Day = from.Day };
        var ending = options.RenewalStart is { } f ? $"from {f:yyyy-MM-dd}" : "any day";
        log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] BacktestHealthScores, lead {options.LeadDays} days, "
            + $"renewals ending {ending}…");
        var backtest = await health.BacktestHealthScoresAsync(request, deadline: LongCall(), cancellationToken: ct);
        var auc = backtest.HasAuc ? backtest.Auc.ToString("N3", c) : "n/a";
        log.WriteLine(string.Create(c,
            $"BacktestHealthScores (lead {backtest.LeadDays} days): {backtest.RenewalCount:N0} renewals and "
            + $"{backtest.ChurnCount:N0} churns scored, {backtest.SkippedCount:N0} outcomes skipped; "
            + $"scores from snapshots {backtest.SnapshotScoreCount:N0}, computed for their day "
            + $"{backtest.ComputedScoreCount:N0}; AUC {auc}."));
        log.WriteLine();
        log.WriteLine("| band at the lead day | renewals | churns | renewal rate |");
        log.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var b in backtest.Bands)
        {
            var rate = b.HasRenewalRate ? b.RenewalRate.ToString("P1", c) : "n/a";
            log.WriteLine(string.Create(c, $"| {b.Band} | {b.RenewalCount:N0} | {b.ChurnCount:N0} | {rate} |"));
        }
        return request;
    }

    /// <summary>
    /// Issue 20: <c>ProposeScorecard</c> at the backtest's lead and renewal start, its defaults otherwise: the AUC of
    /// the current and the fitted scorecard on the older (fit) and the newer (holdout) outcomes, and the fitted
    /// weights. Nothing is adopted.
    /// </summary>
    private static async Task ProposeAsync(
        HealthService.HealthServiceClient health, BacktestHealthScoresRequest backtest, TextWriter log,
        CancellationToken ct)
    {
        var c = CultureInfo.InvariantCulture;
        log.WriteLine();
        log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] ProposeScorecard, lead {backtest.LeadDays} days…");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var p = await health.ProposeScorecardAsync(
            new ProposeScorecardRequest
            {
                LeadDays = backtest.LeadDays, RenewalStartDate = backtest.RenewalStartDate,
            },
            deadline: DateTime.UtcNow.AddHours(1), cancellationToken: ct);
        string Auc(bool has, double auc) => has ? auc.ToString("N3", c) : "n/a";
        log.WriteLine(string.Create(c,
            $"ProposeScorecard ({started.Elapsed.TotalSeconds:N1} s): fit {p.FitCount:N0} outcomes, " +
            $"holdout {p.HoldoutCount:N0} (renewals from {HoldoutStart(p)}), {p.SkippedCount:N0} skipped."));
        log.WriteLine();
        log.WriteLine("| scorecard | AUC on the fit set | AUC on the holdout |");
        log.WriteLine("| --- | ---: | ---: |");
        var (currentFit, currentHoldout) =
            (Auc(p.HasCurrentFitAuc, p.CurrentFitAuc), Auc(p.HasCurrentHoldoutAuc, p.CurrentHoldoutAuc));
        var (proposedFit, proposedHoldout) =
            (Auc(p.HasProposedFitAuc, p.ProposedFitAuc), Auc(p.HasProposedHoldoutAuc, p.ProposedHoldoutAuc));
        log.WriteLine($"| current (version {p.CurrentScorecardVersion}) | {currentFit} | {currentHoldout} |");
        log.WriteLine($"| proposed | {proposedFit} | {proposedHoldout} |");
        log.WriteLine();
        log.WriteLine("| component | weight | own AUC on the fit set |");
        log.WriteLine("| --- | ---: | ---: |");
        foreach (var component in p.Components)
        {
            var name = component.Metric.Length > 0 ? component.Metric : component.Kind.ToString();
            var auc = Auc(component.HasFitAuc, component.FitAuc);
            log.WriteLine(string.Create(c, $"| {name} | {component.Weight:N1} | {auc} |"));
        }
    }

    private static string HoldoutStart(ProposeScorecardResponse p) =>
        p.HoldoutStartDate is { } d ? $"{d.Year:0000}-{d.Month:00}-{d.Day:00}" : "n/a";

    private static Dictionary<string, (double? Latent, bool Customer)> ReadTruth(string path)
    {
        var lines = File.ReadLines(path).GetEnumerator();
        if (!lines.MoveNext()) throw new InvalidOperationException($"{path} is empty");
        var header = lines.Current.Split(',');
        int Column(string name) =>
            Array.IndexOf(header, name) is var i and >= 0 ? i
                : throw new InvalidOperationException($"{path} has no column {name}");
        var (id, churn, latent) = (Column("account_id"), Column("churn_date"), Column("mean_latent_health_30d"));
        var truth = new Dictionary<string, (double?, bool)>(StringComparer.Ordinal);
        while (lines.MoveNext())
        {
            var f = lines.Current.Split(',');
            if (f.Length <= Math.Max(id, Math.Max(churn, latent))) continue;
            truth[f[id]] = (double.TryParse(f[latent], NumberStyles.Float, CultureInfo.InvariantCulture, out var h) ? h
                : null, f[churn].Length == 0);
        }
        return truth;
    }

    /// <summary>
    /// Spearman's ρ: Pearson's correlation of the ranks, tied values getting the mean of their ranks.
    /// </summary>
    internal static double Spearman(double[] x, double[] y) => x.Length < 2 ? double.NaN : Pearson(Ranks(x), Ranks(y));

    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            var rank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    private static double Pearson(double[] x, double[] y)
    {
        var (mx, my) = (x.Average(), y.Average());
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }
}
