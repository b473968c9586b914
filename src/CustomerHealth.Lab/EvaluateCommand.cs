using System.CommandLine;
using System.Globalization;
using System.Text;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Lab;

/// <summary>
/// <c>evaluate</c> (formerly <c>renewals-evaluate</c>, still accepted): trains a renewal model on the recorded outcomes
/// of the configured database (as TrainRenewalModel does, but it is stored as a candidate and never serves: what serves
/// does not change), then prints its quality on the time-ordered holdout beside the score-only prior's, the calibration
/// tables, the time spent building features and fitting, and the peak memory. Load a synthetic portfolio first with
/// <c>generate --write direct</c>.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var lead = new Option<int?>("--lead-days")
        {
            Description = "Features as of N days before each renewal date (default Renewals:LeadDays, 90); 1 to 365",
            HelpName = "N",
        };
        var features = new Option<string?>("--features")
        {
            Description = "Also write the training rows (contract, renewal date, renewed, every feature) as CSV",
            HelpName = "FILE",
        };
        var truth = new Option<string?>("--truth")
        {
            Description = "Also grade the generator's own renewal probabilities (DIR/renewals.csv, written by " +
                "generate --truth DIR) on the same holdout, and compare the model's deciles with them",
            HelpName = "DIR",
        };
        var scorecard = new Option<bool>("--scorecard")
        {
            Description = "Also fit a scorecard to the outcomes (as ProposeScorecard does; nothing is adopted) and " +
                "report the health score's AUC on its holdout with the current and the fitted scorecard",
        };
        var command = new Command("evaluate", "Train a renewal model on the configured database and grade it")
        {
            lead, features, truth, scorecard,
        };
        command.Aliases.Add("renewals-evaluate");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async parse =>
        {
            var (leadDays, truthFolder) = (parse.GetValue(lead), parse.GetValue(truth));
            if (leadDays is < 1 or > 365) return await LabCommandLine.RefuseAsync("--lead-days must be 1 to 365");
            if (truthFolder is not null && !File.Exists(Path.Combine(truthFolder, "renewals.csv")))
            {
                return await LabCommandLine.RefuseAsync($"--truth {truthFolder}: no renewals.csv (generate makes it)");
            }
            var app = Program.Compose(ServerCommandLine.Configuration(parse));
            var code = await RunAsync(app, leadDays, parse.GetValue(features), truthFolder);
            return code == 0 && parse.GetValue(scorecard)
                ? await ArchetypeReport.ScorecardAsync(
                    app, leadDays ?? app.Services.GetRequiredService<RenewalOptions>().LeadDays)
                : code;
        });
        return command;
    }

    /// <summary>Trains and reports, with the composed server (not started); exit code 0, or 1 if it cannot.</summary>
    public static async Task<int> RunAsync(WebApplication app, int? leadDays, string? featuresFile, string? truthFolder)
    {
        var options = app.Services.GetRequiredService<RenewalOptions>();
        var lead = leadDays ?? options.LeadDays;
        await app.MigrateOnStartupIfConfiguredAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var training = scope.ServiceProvider.GetRequiredService<RenewalTraining>();
        var counts = await training.CountOutcomesAsync(lead, app.Lifetime.ApplicationStopping);
        Console.WriteLine(
            $"Recorded outcomes with a lead day not ahead: {counts.Renewals} renewals, {counts.Churns} churns.");
        if (training.WhyTooFew(counts) is { } why)
        {
            await Console.Error.WriteLineAsync($"Cannot train: {why}.");
            return 1;
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var model = await training.TrainAsync(training.PlanWithLead(lead), RenewalTraining.EvaluateTrigger,
            Caller.Service("customerhealth-evaluate"), app.Lifetime.ApplicationStopping);
        var total = started.Elapsed.TotalSeconds;
        var cpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.Write(Report(model, total, cpu));
        if (featuresFile is not null)
        {
            var rows = (await training.BuildTrainingSetAsync(lead, app.Lifetime.ApplicationStopping)).Outcomes;
            await using var csv = new StreamWriter(featuresFile);
            var events = RenewalFeatures.MetricEventsOf(rows.Select(r => r.Features));
            await csv.WriteLineAsync("contract_id,renewal_date,renewed," + string.Join(',', RenewalFeatures.Names
                .Concat(events.Select(e => RenewalFeatures.MetricLogRatePrefix + e))));
            foreach (var r in rows.OrderBy(r => r.RenewalDate).ThenBy(r => r.ContractId, StringComparer.Ordinal))
            {
                var values = r.Features.Values
                    .Concat(events.Select(e => r.Features.MetricLogRates.GetValueOrDefault(e)))
                    .Select(v => v.ToString("R", CultureInfo.InvariantCulture));
                await csv.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{r.ContractId},{r.RenewalDate:yyyy-MM-dd},{(r.Renewed ? 1 : 0)},{string.Join(',', values)}"));
            }
            Console.WriteLine($"Training rows written to {Path.GetFullPath(featuresFile)}.");
        }
        if (truthFolder is not null)
        {
            // The model's holdout predictions, as stored with it (the model does not serve, so it is not in the cache).
            var store = scope.ServiceProvider.GetRequiredService<RenewalModelStore>();
            var holdout = await store.ListHoldoutAsync(
                model.Version, null, int.MaxValue, app.Lifetime.ApplicationStopping);
            var truth = ReadTruth(Path.Combine(truthFolder, "renewals.csv"));
            Console.WriteLine();
            Console.Write(
                TruthReport(
                    holdout.Select(h => (h.Probability, truth.GetValueOrDefault(h.ContractId, double.NaN), h.Renewed))
                    .ToArray()));
            Console.Write(ArchetypeReport.Of(holdout, truthFolder));
        }
        return 0;
    }

    /// <summary>The generator's renewal probability of each contract (renewals.csv of <c>generate
    /// --truth</c>).</summary>
    private static Dictionary<string, double> ReadTruth(string file)
    {
        var lines = File.ReadLines(file).ToArray();
        var header = lines[0].Split(',');
        int contract = Array.IndexOf(header, "contract_id"), probability = Array.IndexOf(header, "renew_probability");
        if (contract < 0 || probability < 0) throw new InvalidDataException(
            $"{file} has no contract_id and renew_probability columns.");
        return lines.Skip(1).Select(l => l.Split(','))
            .ToDictionary(
                f => f[contract], f => double.Parse(f[probability], CultureInfo.InvariantCulture),
                StringComparer.Ordinal);
    }

    /// <summary>
    /// The holdout graded against the generator's probabilities: how those probabilities themselves fare on the same
    /// outcomes (the best any model could do, and how far pure chance moves a decile's observed rate), and per decile
    /// of the model's predictions the mean of the generator's probability beside the mean prediction and the observed
    /// rate.
    /// </summary>
    private static string TruthReport(IReadOnlyList<(double Predicted, double True, bool Renewed)> holdout)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        var known = holdout.Where(h => !double.IsNaN(h.True)).ToArray();
        var generator = RenewalEvaluation.Evaluate(known.Select(h => (h.True, h.Renewed)).ToArray());
        text.AppendLine(
            inv,
            $"Ground truth on the same holdout ({known.Length} of {holdout.Count} outcomes found in the truth file):");
        text.AppendLine(
            inv,
            $"the generator's own probabilities: AUC {F(generator.Auc)}, log-loss {F(generator.LogLoss)}, Brier " +
            $"{F(generator.Brier)}, max calib. gap (n>={RenewalEvaluation.MinimumBinForGap}) " +
            $"{F(generator.MaxCalibrationGap)}");
        Calibration(text, "generator's probabilities", generator);
        text.AppendLine("The model's deciles against the generator's probabilities:");
        text.AppendLine("  bin        count  mean predicted  mean true  observed  |predicted - true|");
        foreach (var bin in known.GroupBy(h => RenewalEvaluation.BinOf(h.Predicted)).OrderBy(g => g.Key))
        {
            double predicted = bin.Average(h => h.Predicted), truth = bin.Average(h => h.True),
                observed = bin.Average(h => h.Renewed ? 1.0 : 0.0);
            text.AppendLine(
                inv,
                $"  {bin.Key / 10.0:0.0}-{(bin.Key + 1) / 10.0:0.0}  {bin.Count(),6}  {predicted,14:0.000}  " +
                $"{truth,9:0.000}  {observed,8:0.000}  {Math.Abs(predicted - truth):0.000}");
        }
        return text.ToString();
    }

    /// <summary>
    /// The figures of a trained model as plain text, with the training's wall time and the process's CPU time over it
    /// (on a shared machine the CPU time bounds what the training needs when it has the cores to itself).
    /// </summary>
    public static string Report(RenewalModelInfo model, double totalSeconds, double cpuSeconds)
    {
        var d = model.Detail;
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(
            inv,
            $"Model version {model.Version}: {RenewalTrainer.Name(model.Kind)} (kept on holdout AUC); lead " +
            $"{model.LeadDays} days.");
        text.AppendLine(inv, $"Stored as a candidate (the evaluator never changes what serves). {d.GateReason}");
        text.AppendLine(
            inv,
            $"Outcomes: {d.Renewals + d.Churns} ({d.Renewals} renewals, {d.Churns} churns): fit {d.FitCount}, " +
            $"calibration {d.CalibrationCount}, holdout {d.HoldoutCount}.");
        text.AppendLine(
            inv,
            $"Renewal dates: training {d.TrainingStart:yyyy-MM-dd} to {d.TrainingEnd:yyyy-MM-dd}; holdout " +
            $"{d.HoldoutStart:yyyy-MM-dd} to {d.HoldoutEnd:yyyy-MM-dd}.");
        foreach (var candidate in d.Candidates) text.AppendLine(inv, $"Candidate {candidate}");
        text.AppendLine(
            inv,
            $"Kept: {d.Setting}; {d.CalibrationMethod} calibration (hyper-parameters and calibration chosen on the " +
            $"calibration fold).");
        text.AppendLine(
            inv,
            $"Time: features {d.FeatureSeconds:0.0} s, fit (both candidates, calibration, evaluation) " +
            $"{d.FitSeconds:0.0} s, total {totalSeconds:0.0} s (process CPU {cpuSeconds:0.0} s); peak working set " +
            $"{System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB; load average " +
            $"{LoadAverage()}.");
        text.AppendLine();
        text.AppendLine("holdout             model    score-only prior");
        text.AppendLine(inv, $"AUC                 {F(d.Holdout.Auc)}   {F(d.PriorHoldout.Auc)}");
        text.AppendLine(inv, $"log-loss            {F(d.Holdout.LogLoss)}   {F(d.PriorHoldout.LogLoss)}");
        text.AppendLine(inv, $"Brier               {F(d.Holdout.Brier)}   {F(d.PriorHoldout.Brier)}");
        text.AppendLine(
            inv,
            $"max calib. gap (n>={RenewalEvaluation.MinimumBinForGap})  {F(d.Holdout.MaxCalibrationGap)}   " +
            $"{F(d.PriorHoldout.MaxCalibrationGap)}");
        text.AppendLine();
        Calibration(text, "model", d.Holdout);
        Calibration(text, "score-only prior", d.PriorHoldout);
        return text.ToString();
    }

    private static void Calibration(StringBuilder text, string name, RenewalMetrics metrics)
    {
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"Calibration of the {name} on the holdout (populated deciles):");
        text.AppendLine("  bin        count  mean predicted  observed  gap");
        foreach (var b in metrics.Calibration)
            text.AppendLine(
                inv,
                $"  {b.Lower:0.0}-{b.Upper:0.0}  {b.Count,6}  {b.MeanPredicted,14:0.000}  {b.ObservedRate,8:0.000}  " +
                $"{b.Gap:0.000}");
    }

    private static string F(double? value) =>
        value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "  n/a ";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }
}
