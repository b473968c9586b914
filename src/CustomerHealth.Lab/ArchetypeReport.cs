using System.Globalization;
using System.Text;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Synthetic;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Lab;

/// <summary>
/// The evaluator's reports by kind of business: the holdout's AUC of the model, of the score-only prior (the health
/// score's ranking) and of the generator's own probabilities (the ceiling) for the B2B and the self-serve contracts
/// apart; and, with <c>--scorecard</c>, the fitted scorecard's backtest (ProposeScorecard's figures, nothing adopted).
/// </summary>
public static class ArchetypeReport
{
    /// <summary>The holdout by kind of business, from the ground truth's accounts.csv and renewals.csv.</summary>
    public static string Of(IReadOnlyList<RenewalHoldoutRow> holdout, string truthFolder)
    {
        var inv = CultureInfo.InvariantCulture;
        var truth = Rows(Path.Combine(truthFolder, "renewals.csv"))
            .ToDictionary(r => r["contract_id"], r => (Account: r["account_id"],
                P: double.Parse(r["renew_probability"], inv)), StringComparer.Ordinal);
        var business = Rows(Path.Combine(truthFolder, "accounts.csv")).ToDictionary(
            r => r["account_id"], r => Enum.Parse<Archetype>(r["archetype"]).Business(), StringComparer.Ordinal);
        var text = new StringBuilder();
        text.AppendLine("By kind of business (holdout AUC; the ceiling is the generator's own probabilities):");
        text.AppendLine("  business     outcomes  churns   model   prior (health score)   ceiling   model - ceiling");
        var known = holdout.Where(h => truth.ContainsKey(h.ContractId)).ToArray();
        foreach (var group in known.GroupBy(h => business[truth[h.ContractId].Account]).OrderBy(g => g.Key))
        {
            var rows = group.ToArray();
            double? Auc(Func<RenewalHoldoutRow, double> p) =>
                HealthBacktest.Auc(rows.Select(h => (p(h), h.Renewed)).ToArray());
            var (model, prior, ceiling) = (Auc(h => h.Probability), Auc(h => h.PriorProbability),
                Auc(h => truth[h.ContractId].P));
            text.AppendLine(inv,
                $"  {group.Key,-11}  {rows.Length,8}  {rows.Count(h => !h.Renewed),6}  {F(model)}  " +
                $"{F(prior),21}  {F(ceiling),8}  {F(model - ceiling),16}");
        }
        return text.ToString();
    }

    /// <summary>The scorecard fitted to the outcomes at the lead, and how it and the current one rank its
    /// holdout.</summary>
    public static async Task<int> ScorecardAsync(WebApplication app, int leadDays)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var proposer = scope.ServiceProvider.GetRequiredService<ScorecardProposer>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = await proposer.ProposeAsync(leadDays, new FitOptions(), null, app.Lifetime.ApplicationStopping);
        var p = report.Proposal;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(inv,
            $"Fitted scorecard (ProposeScorecard, lead {leadDays} days, {started.Elapsed.TotalSeconds:0.0} s): fit " +
            $"{p.FitCount} outcomes, holdout {p.HoldoutCount} from {p.HoldoutStart:yyyy-MM-dd}; health score AUC " +
            $"on the holdout: current scorecard {F(p.CurrentHoldoutAuc)}, fitted {F(p.ProposedHoldoutAuc)} (fit set " +
            $"{F(p.CurrentFitAuc)} and {F(p.ProposedFitAuc)})."));
        foreach (var c in p.Components)
        {
            Console.WriteLine(
                string.Create(inv, $"  {c.Kind} {c.Metric} weight {c.Weight:0.0}, fit AUC {F(c.FitAuc)}"));
        }
        return 0;
    }

    private static IEnumerable<Dictionary<string, string>> Rows(string file)
    {
        using var reader = new StreamReader(file);
        var header = reader.ReadLine()!.Split(',');
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(',');
            yield return header.Select((h, i) => (h, v: i < fields.Length ? fields[i] : ""))
                .ToDictionary(x => x.h, x => x.v, StringComparer.Ordinal);
        }
    }

    private static string F(double? value) =>
        value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "  n/a ";
}
