using System.Globalization;
using System.Runtime.InteropServices;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Prints the results as Markdown tables (ready for docs/benchmarks/ingestion.md) with the machine it ran on, the
/// failures if any, and each engine's service against issue 24's goal (at least <see cref="GoalRatio"/> of the
/// plain-insert baseline) and floor (<see cref="FloorRatio"/>). Returns false when any engine is below its floor.
/// </summary>
/// <remarks>
/// The judged figure is the service's median rate over the rounds against the baseline method with the highest median
/// rate over the same rounds (issue 24: "every benchmark reports its baseline in the same run (3-round medians)"). The
/// best of several methods in each round would be the maximum of noisy samples, which biases the ratio against the
/// service; a median per method is not biased that way, and each method's rounds are printed beside it.
/// </remarks>
internal static class BenchmarkReport
{
    public const double GoalRatio = 0.8;
    public const double FloorRatio = 0.6;

    /// <summary>
    /// Writes the report; with <paramref name="judge"/> false (a smoke run) the goals are shown but no floor fails it.
    /// </summary>
    public static bool Write(
        TextWriter output, BenchmarkOptions options, IReadOnlyList<ProviderResult> results, bool judge = true)
    {
        WriteSetup(output, options, results);
        var summaries = results.GroupBy(r => r.Provider).Select(Summarise).ToArray();
        output.WriteLine();
        WriteRounds(output, options, results, summaries);
        output.WriteLine();
        WriteBaselines(output, summaries);
        output.WriteLine();
        WriteFailures(output, results);
        var floorsMet = WriteGoals(output, options, summaries, judge);
        return floorsMet || !judge;
    }

    /// <summary>One baseline method's rate in each round, and the median of those rates.</summary>
    private sealed record MethodRates(string Name, double[] Rounds, double Median);

    /// <summary>
    /// One engine over all its rounds: the service's rates and their median, each baseline method's, and the method
    /// that judges the service (the highest median).
    /// </summary>
    private sealed record Summary(
        string Provider, double[] ServiceRounds, double EventsPerSecond, MethodRates[] Methods, MethodRates Baseline)
    {
        public double Ratio => EventsPerSecond / Baseline.Median;
    }

    private static Summary Summarise(IGrouping<string, ProviderResult> rounds)
    {
        var methods = rounds.First().Baseline.Methods
            .Select(m =>
            {
                var rates = rounds.Select(r => r.Baseline.RowsPerSecond(m.Name)).ToArray();
                return new MethodRates(m.Name, rates, Median(rates));
            })
            .ToArray();
        var service = rounds.Select(r => r.Service.EventsPerSecond).ToArray();
        return new Summary(rounds.Key, service, Median(service), methods, methods.MaxBy(m => m.Median)!);
    }

    /// <summary>
    /// Each round: the service and the judged baseline method in that round; then, with several rounds, the medians.
    /// </summary>
    private static void WriteRounds(
        TextWriter output, BenchmarkOptions options, IReadOnlyList<ProviderResult> results, Summary[] summaries)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(
            "| provider | events | batch size | streams | service events/s | baseline rows/s | service / baseline | " +
            "wall s |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            var label = options.Rounds > 1 ? string.Create(c, $"{r.Provider}, round {r.Round}") : r.Provider;
            var baseline = r.Baseline.RowsPerSecond(summaries.Single(m => m.Provider == r.Provider).Baseline.Name);
            output.WriteLine(string.Create(c,
                $"| {label} | {r.Service.Events:N0} | {options.BatchSize:N0} | {options.Streams} | " +
                $"{r.Service.EventsPerSecond:N0} | {baseline:N0} | {r.Service.EventsPerSecond / baseline:P0} | " +
                $"{r.Service.Wall.TotalSeconds:N2} |"));
        }
        if (options.Rounds == 1) return;
        foreach (var m in summaries)
            output.WriteLine(string.Create(c,
                $"| {m.Provider}, median of {options.Rounds} | | | | {m.EventsPerSecond:N0} | " +
                $"{m.Baseline.Median:N0} | {m.Ratio:P0} | |"));
    }

    /// <summary>
    /// Every baseline method's rate in each round and its median, the judged one marked, the service's beside them.
    /// </summary>
    private static void WriteBaselines(TextWriter output, Summary[] summaries)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine("| provider | measured | rate per round | median |");
        output.WriteLine("| --- | --- | ---: | ---: |");
        foreach (var m in summaries)
        {
            output.WriteLine(string.Create(c,
                $"| {m.Provider} | the service (StreamEvents), events/s | {Rates(m.ServiceRounds)} | " +
                $"{m.EventsPerSecond:N0} |"));
            foreach (var method in m.Methods)
            {
                var judged = method == m.Baseline ? " (**judged**: highest median)" : "";
                output.WriteLine(string.Create(c,
                    $"| {m.Provider} | baseline: {method.Name}{judged}, rows/s | {Rates(method.Rounds)} | " +
                    $"{method.Median:N0} |"));
            }
        }
    }

    private static string Rates(IEnumerable<double> rates) =>
        string.Join(" · ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)));

    private static void WriteSetup(TextWriter output, BenchmarkOptions options, IReadOnlyList<ProviderResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        var warmup = options.WarmupEvents > 0
            ? string.Create(
                c,
                $"warm-up of {options.WarmupEvents:N0} events on a scratch database first (JIT-compiled, as a " +
                $"running service)")
            : "no warm-up (cold process: JIT compilation included)";
        output.WriteLine(string.Create(c,
            $"Machine: {Environment.ProcessorCount} logical processors, {RuntimeInformation.OSDescription.Trim()}, " +
            $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}. " +
            $"Workload: {options.Accounts:N0} accounts × {options.UsersPerAccount:N0} users, events over " +
            $"{options.Days} days, seed {options.Seed}; {warmup}."));
        foreach (var r in results)
        {
            var round = options.Rounds > 1 ? string.Create(c, $", round {r.Round}") : "";
            output.WriteLine(
                $"- {r.Provider}{round}: {r.Engine}. Baseline: {r.Baseline.Settings}. Service run: " +
                $"{r.Service.Usage.Describe(r.Service.Events)}{DescribeDatabaseCpu(r)}.");
        }
    }

    /// <summary>
    /// The database server's own CPU (its backends for this run's database) in the service run and in the baseline,
    /// where it can be read (a local PostgreSQL).
    /// </summary>
    private static string DescribeDatabaseCpu(ProviderResult r)
    {
        if (r.ServiceDatabaseCpu is not { } service || r.BaselineDatabaseCpu is not { } baseline) return "";
        var c = CultureInfo.InvariantCulture;
        var methods = r.Baseline.Methods.Count;
        return string.Create(c,
            $"; the database's backends {service.TotalSeconds:N1} CPU-s in the service run " +
            $"({service.TotalMicroseconds / r.Service.Events:N1} µs per event), {baseline.TotalSeconds:N1} CPU-s in " +
            $"the baseline ({baseline.TotalMicroseconds / r.Baseline.Rows / methods:N1} µs per row)");
    }

    private static void WriteFailures(TextWriter output, IReadOnlyList<ProviderResult> results)
    {
        foreach (var r in results.Where(r => r.Failures.Count > 0))
        {
            output.WriteLine($"{r.Provider}: {r.Failures.Count} failure(s):");
            foreach (var failure in r.Failures.Take(20)) output.WriteLine($"  - {failure}");
            if (r.Failures.Count > 20) output.WriteLine($"  - … and {r.Failures.Count - 20} more");
        }
    }

    private static bool WriteGoals(TextWriter output, BenchmarkOptions options, Summary[] summaries, bool judge)
    {
        var c = CultureInfo.InvariantCulture;
        var of = options.Rounds > 1 ? string.Create(c, $"medians of {options.Rounds} rounds") : "one round";
        output.WriteLine(judge ? "Goals (issue 24):" : "Goals (issue 24), not judged in a smoke run:");
        foreach (var m in summaries)
            output.WriteLine(string.Create(c,
                $"  [{(judge ? Judge(m.Ratio) : "not judged")}] {m.Provider} service {m.Ratio:P0} of the baseline " +
                $"(goal {GoalRatio:P0}, floor {FloorRatio:P0}; {of}): {m.EventsPerSecond:N0} events/s against " +
                $"{m.Baseline.Median:N0} " +
                $"rows/s ({m.Baseline.Name})"));
        return summaries.All(m => m.Ratio >= FloorRatio);
    }

    /// <summary>The middle value (the mean of the two middle ones for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Judge(double ratio) =>
        ratio >= GoalRatio ? "goal met" : ratio >= FloorRatio ? "floor met" : "floor NOT met";
}
